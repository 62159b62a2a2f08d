namespace WebKnock.Configuration;

public class ServiceOptions
{
    public KnockOptions Knock { get; set; } = new();

    /// <summary>How long a completed knock opens the service for the knocking address.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>The longest a window may stay open, counted from its opening, however often it is extended.</summary>
    public TimeSpan MaxWindow { get; set; } = TimeSpan.FromHours(12);

    /// <summary>TCP ports that only addresses with an open window may reach.</summary>
    public int[] ProtectedPorts { get; set; } = [];
}

/// <summary>
/// The SSH service. Its window is only the time to connect (one minute unless configured): the ruleset keeps
/// established sessions (<c>WebKnock:Firewall:Nftables:SshKeepEstablished</c>). The default lives in the
/// constructor, not in <see cref="WebKnockOptions.ApplyDefaults"/>, because after binding a configured
/// 00:30:00 could not be told from the webmail's default.
/// </summary>
public sealed class SshOptions : ServiceOptions
{
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromMinutes(1);

    public SshOptions()
    {
        Window = DefaultWindow;
    }

    /// <summary>
    /// Start even though no always-allowed network is configured: a mistake in the knock or a lost window
    /// then locks everybody out of SSH. Off by default.
    /// </summary>
    public bool AllowLockout { get; set; }
}

public sealed class KnockOptions
{
    /// <summary>The secret sequence of closed ports, in order.</summary>
    public int[] Ports { get; set; } = [];

    /// <summary>Only <c>tcp</c> is supported: a knock is a pure SYN.</summary>
    public string Protocol { get; set; } = "tcp";

    /// <summary>The longest pause allowed between two steps.</summary>
    public TimeSpan StepTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Most sources whose partial sequences are remembered at once.</summary>
    public int MaxTrackedSources { get; set; } = 65536;

    /// <summary>Knock SYNs per second a source may send before it counts as a flood.</summary>
    public int RatePerSecond { get; set; } = 20;

    /// <summary>Burst allowed above <see cref="RatePerSecond"/>.</summary>
    public int RateBurst { get; set; } = 10;

    /// <summary>
    /// Knocks are sent from a browser page as well (the knock page). Ports that browsers refuse to
    /// connect to are then rejected.
    /// </summary>
    public bool BrowserKnock { get; set; } = true;

    /// <summary>
    /// Whether the plain shared sequence of <see cref="Ports"/> opens the service (default true, for compatibility).
    /// False removes its kernel rules and the in-memory detector's: only credentials (TOTP, SPA) and administrators open.
    /// </summary>
    public bool Plain { get; set; } = true;

    /// <summary>The per-user TOTP sequence knock.</summary>
    public WebKnock.Knocking.Totp.TotpOptions Totp { get; set; } = new();

    /// <summary>
    /// What a credentialed knock opens: <c>Address</c> (the default) or <c>Prefix</c>, the knocker's
    /// /<see cref="CredentialPrefixV4"/> or /<see cref="CredentialPrefixV6"/> as a network window (phones whose carrier
    /// moves them between addresses).
    /// </summary>
    public WebKnock.Knocking.Totp.CredentialOpens CredentialOpens { get; set; } = WebKnock.Knocking.Totp.CredentialOpens.Address;

    /// <summary>The IPv4 prefix length <see cref="CredentialOpens"/> = Prefix opens (default 24).</summary>
    public int CredentialPrefixV4 { get; set; } = 24;

    /// <summary>The IPv6 prefix length <see cref="CredentialOpens"/> = Prefix opens (default 64).</summary>
    public int CredentialPrefixV6 { get; set; } = 64;
}
