namespace WebKnock.Configuration;

/// <summary>The whole of the <c>WebKnock</c> configuration section.</summary>
public sealed class WebKnockOptions
{
    public const string SectionName = "WebKnock";

    /// <summary>
    /// The webmail service: its knock, its window and the ports it protects. When the configuration
    /// gives no ports, <see cref="ApplyDefaults"/> fills in knock 7000, 9000, 8000 and port 443
    /// (the binder appends configured array items to existing ones, so defaults come after binding).
    /// </summary>
    public ServiceOptions Webmail { get; set; } = new();

    /// <summary>
    /// Optional second service (SSH) with its own knock and window: protected port 22 and a window of one minute
    /// to connect unless configured; sessions in progress outlive the window. Guarding it needs an always-allowed
    /// network (<see cref="NetworkOptions.AlwaysAllowed"/>) or <see cref="SshOptions.AllowLockout"/>.
    /// </summary>
    public SshOptions? Ssh { get; set; }

    /// <summary>The services guarded: the webmail, and SSH when it is configured.</summary>
    public string[] GuardedServices() => Ssh is null ? [WebKnock.Knocking.ServiceNames.Webmail] : [WebKnock.Knocking.ServiceNames.Webmail, WebKnock.Knocking.ServiceNames.Ssh];

    public UpstreamOptions Upstream { get; set; } = new();

    public WebmailSessionOptions Sessions { get; set; } = new();

    public NetworkOptions Network { get; set; } = new();

    public FirewallOptions Firewall { get; set; } = new();

    /// <summary>Single-packet authorization (fwknop clients), <c>WebKnock:Spa</c>.</summary>
    public WebKnock.Knocking.Spa.SpaOptions Spa { get; set; } = new();

    /// <summary>The path under which the gateway serves its own endpoints and files.</summary>
    public string PathPrefix { get; set; } = "/.webknock/";

    /// <summary>Compact JSON log file (rolled daily, and when it reaches <see cref="LogFileSizeLimitBytes"/>); empty for none.</summary>
    public string LogFile { get; set; } = "logs/webknock-.json";

    /// <summary>The largest a log file grows before the next one starts (bytes; at least 65536).</summary>
    public long LogFileSizeLimitBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>How many log files are kept, the current one included; older ones are deleted. The log's disk use is at most this times <see cref="LogFileSizeLimitBytes"/>.</summary>
    public int LogFileCountLimit { get; set; } = 16;

    /// <summary>
    /// The folder of the data-protection keys (admin cookie, anti-forgery tokens), created with mode 0700 when
    /// missing; empty: a <c>keys</c> folder beside the event store.
    /// </summary>
    public string KeysPath { get; set; } = "";

    /// <summary>How the banner behaves in the user's page.</summary>
    public BannerOptions Banner { get; set; } = new();

    /// <summary>Fills in the array defaults that the configuration left empty.</summary>
    public WebKnockOptions ApplyDefaults()
    {
        if (Webmail.Knock.Ports.Length == 0)
        {
            Webmail.Knock.Ports = [7000, 9000, 8000];
        }

        if (Webmail.ProtectedPorts.Length == 0)
        {
            Webmail.ProtectedPorts = [443];
        }

        if (Sessions.IdleTimeout == TimeSpan.Zero)
        {
            Sessions.IdleTimeout = Upstream.Profile.Equals("Roundcube", StringComparison.OrdinalIgnoreCase)
                ? TimeSpan.FromMinutes(10)
                : TimeSpan.FromMinutes(24);
        }

        if (Ssh is { ProtectedPorts.Length: 0 })
        {
            Ssh.ProtectedPorts = [22];
        }

        return this;
    }
}

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

public sealed class UpstreamOptions
{
    /// <summary>Which webmail runs upstream: <c>SquirrelMail</c> or <c>Roundcube</c>.</summary>
    public string Profile { get; set; } = "SquirrelMail";

    /// <summary>Base address of the webmail application, for example http://127.0.0.1:8080/.</summary>
    public string Url { get; set; } = "http://127.0.0.1:8080/";

    /// <summary>Name of the webmail's session cookie; empty means the profile's default.</summary>
    public string SessionCookie { get; set; } = "";
}

public sealed class WebmailSessionOptions
{
    /// <summary>
    /// A webmail session with no request for this long is no longer live. 00:00:00 (the default) takes
    /// the webmail's own: 24 minutes for SquirrelMail (PHP's 1440 s), 10 for Roundcube.
    /// </summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.Zero;

    /// <summary>What happens when the last live session of an address idles out.</summary>
    public LastSessionIdlePolicy OnLastSessionIdle { get; set; } = LastSessionIdlePolicy.CloseWindow;

    /// <summary>How often idle sessions are looked for.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Most webmail sessions tracked per address (a bound against abuse).</summary>
    public int MaxSessionsPerAddress { get; set; } = 256;

    /// <summary>Most webmail sessions tracked in all (a bound on memory against many addresses).</summary>
    public int MaxSessions { get; set; } = 100_000;

    /// <summary>What too many failed webmail logins from one address bring (fail2ban's jail, with the real address).</summary>
    public FailedLoginOptions FailedLogins { get; set; } = new();
}

public sealed class FailedLoginOptions
{
    /// <summary>
    /// This many failed logins from one address within <see cref="FindTime"/> close its windows and block it
    /// (0: never). Default 10: fail2ban's 5 doubled, since colleagues behind one NAT address share the count.
    /// </summary>
    public int MaxFailures { get; set; } = 10;

    /// <summary>The span in which <see cref="MaxFailures"/> failures count (fail2ban's findtime).</summary>
    public TimeSpan FindTime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long the address is then blocked from everything WebKnock guards (fail2ban's bantime).</summary>
    public TimeSpan BlockTime { get; set; } = TimeSpan.FromMinutes(30);
}

public enum LastSessionIdlePolicy
{
    /// <summary>Close the window at once: nobody behind the address is using the webmail.</summary>
    CloseWindow,

    /// <summary>Leave the window open until its deadline.</summary>
    KeepUntilDeadline,
}

public sealed class NetworkOptions
{
    /// <summary>Addresses or networks (CIDR) of reverse proxies whose X-Forwarded-For is believed.</summary>
    public string[] TrustedProxies { get; set; } = [];

    /// <summary>Networks (CIDR) that may always reach the gateway, window or not.</summary>
    public string[] AlwaysAllowed { get; set; } = [];

    /// <summary>What the gate does to a request without a window: <c>Abort</c> (no response) or <c>NotFound</c>.</summary>
    public GateRefusal Refusal { get; set; } = GateRefusal.Abort;

    /// <summary>
    /// At most this many connections open at once from one address (0: no limit; trusted proxies are exempt), so that
    /// one address cannot hold all of Kestrel's (Kestrel:Limits:MaxConcurrentConnections). Default 512: a browser
    /// opens about 6 per site, so a NAT address shared by 80 busy users still fits.
    /// </summary>
    public int MaxConnectionsPerAddress { get; set; } = 512;

    /// <summary>
    /// The widest IPv4 network an administrator may open a network window for: its prefix must be at least this long
    /// (default 16: a /16, 65,536 addresses, about the largest block one organisation holds).
    /// </summary>
    public int NetworkWindowMinPrefixV4 { get; set; } = 16;

    /// <summary>
    /// The widest IPv6 network a network window may open (default 32: a /32, the usual allocation of a whole
    /// organisation or provider; a site is a /48).
    /// </summary>
    public int NetworkWindowMinPrefixV6 { get; set; } = 32;

    /// <summary>
    /// How long a new connection from an address without a window (not always allowed, not a trusted proxy, not in
    /// an operations or admin network) waits for its window before it is closed without a TLS handshake: the
    /// kernel lets the address in at its last knock, and the report reaches the gateway a moment later. 0 closes it
    /// at once.
    /// </summary>
    public TimeSpan WindowWait { get; set; } = TimeSpan.FromSeconds(1);
}

public enum GateRefusal
{
    Abort,
    NotFound,
}

public sealed class FirewallOptions
{
    /// <summary><c>InMemory</c> (development, tests) or <c>Nftables</c> (production).</summary>
    public string Backend { get; set; } = "InMemory";

    /// <summary>
    /// Start with the in-memory backend in the Production environment (it guards nothing in the kernel: every port
    /// stays reachable and a stranger's connection is only closed by the gateway). Off: such a start is refused.
    /// </summary>
    public bool AllowInMemoryInProduction { get; set; }

    /// <summary>Development only: listen on the knock ports on loopback and count each connection as a knock.</summary>
    public bool LoopbackKnockListener { get; set; }

    /// <summary>Name of WebKnock's own nftables table (family inet).</summary>
    public string Table { get; set; } = "webknock";

    /// <summary>NFLOG group the kernel rules log knock events to.</summary>
    public int NflogGroup { get; set; } = 7300;

    /// <summary>
    /// How often the gateway compares its windows with the firewall's allowed addresses and settles what differs twice
    /// in a row (a knock whose NFLOG report was lost is taken in; an element deleted by hand closes its window).
    /// </summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How the kernel answers a new connection that is not let in, alike at knock ports (after the knock was counted),
    /// protected ports without a window and every other closed port, IPv4 and IPv6, TCP and UDP: <c>Reset</c> (the
    /// default; TCP RST, ICMP port unreachable, rate-limited) or <c>Drop</c> (no answer). Unset: <c>Drop</c> when the
    /// former <c>WebKnock:Firewall:Nftables:DefaultDrop</c> is on, else <c>Reset</c>.
    /// </summary>
    public ClosedPortsMode? ClosedPorts { get; set; }
}

/// <summary>What a port that is not open to the source looks like: <see cref="FirewallOptions.ClosedPorts"/>.</summary>
public enum ClosedPortsMode
{
    /// <summary>As a Linux host with nothing listening: TCP RST to a SYN, ICMP/ICMPv6 port unreachable for UDP.</summary>
    Reset,

    /// <summary>No answer: every new inbound connection that is not allowed is dropped (one uniform "filtered").</summary>
    Drop,
}

public sealed class BannerOptions
{
    /// <summary>The banner switches to its warning look when this little time is left.</summary>
    public TimeSpan WarnBefore { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the banner asks the gateway for the deadline.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(30);
}
