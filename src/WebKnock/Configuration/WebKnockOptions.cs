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
