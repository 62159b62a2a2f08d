namespace WebKnock.Firewall.Nftables;

/// <summary>
/// Settings of the nftables backend that only the kernel ruleset needs, bound from
/// <c>WebKnock:Firewall:Nftables</c>. The table name and the NFLOG group stay in <see cref="Configuration.FirewallOptions"/>.
/// </summary>
public sealed class NftablesOptions
{
    public const string SectionName = "WebKnock:Firewall:Nftables";

    /// <summary>
    /// Priority of WebKnock's input base chain. It must run after conntrack (-200) so <c>ct state</c> is known,
    /// and before the usual filter chains (0) so that knock packets are seen even when the host's own rules drop them.
    /// </summary>
    public int InputPriority { get; set; } = -10;

    /// <summary>Whether established connections to the webmail's protected ports survive the end of their window.</summary>
    public bool WebmailKeepEstablished { get; set; }

    /// <summary>Whether established SSH connections survive the end of their window (a session in progress is kept).</summary>
    public bool SshKeepEstablished { get; set; } = true;

    /// <summary>
    /// Most open windows per service and address family: the size of the kernel's allowed sets. A completed knock
    /// beyond it opens nothing (the kernel refuses the element); each element costs the kernel some 100-200 bytes.
    /// </summary>
    public int MaxWindows { get; set; } = 65536;

    /// <summary>
    /// Most networks open at once per service and address family (network windows an administrator opened): the size
    /// of the kernel's interval sets of allowed networks.
    /// </summary>
    public int MaxNetworkWindows { get; set; } = 1024;

    /// <summary>How long a source that floods the knock ports is ignored at them.</summary>
    public TimeSpan FloodBanTime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Detect port scans: SYNs to closed ports that are neither knock nor protected ports.</summary>
    public bool ScanDetection { get; set; } = true;

    /// <summary>A source may hit this many closed ports in a burst before it counts as scanning.</summary>
    public int ScanThreshold { get; set; } = 20;

    /// <summary>The period over which <see cref="ScanThreshold"/> closed ports are tolerated (a token bucket refilled at threshold per period).</summary>
    public TimeSpan ScanPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a scanning source is blocked from everything.</summary>
    public TimeSpan ScanBlockTime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Drop the paper's bad packets: XMAS, NULL, SYN+FIN, SYN+RST, new TCP without SYN, TCP fragments.</summary>
    public bool DropBadPackets { get; set; } = true;

    /// <summary>
    /// Former switch for <c>WebKnock:Firewall:ClosedPorts=Drop</c>, still read as an alias: on, with ClosedPorts unset,
    /// means Drop; on, with ClosedPorts=Reset, is refused at start.
    /// </summary>
    public bool DefaultDrop { get; set; }

    /// <summary>TCP ports that stay open to everybody (in Drop mode the only ones besides the protected ports).</summary>
    public int[] AlwaysOpenTcpPorts { get; set; } = [];

    /// <summary>UDP ports that stay open to everybody (in Drop mode the only ones).</summary>
    public int[] AlwaysOpenUdpPorts { get; set; } = [];

    /// <summary>
    /// In Reset mode, RSTs and ICMP port-unreachable errors the rules send per second over all sources (burst the same);
    /// beyond it the packet is dropped, so the host cannot be used as a reflector.
    /// </summary>
    public int RejectRatePerSecond { get; set; } = 200;

    /// <summary>The IPv4 source prefix (default /24) that may hold at most <see cref="PrefixShare"/> of the knock-state and allowed sets.</summary>
    public int SourcePrefixV4 { get; set; } = 24;

    /// <summary>
    /// The IPv6 source prefix (default /64): the unit of the share of the sets, and of scan blocks, knock bans and
    /// knock rate limits (one host usually owns a whole /64).
    /// </summary>
    public int SourcePrefixV6 { get; set; } = 64;

    /// <summary>
    /// The most one source prefix may hold of a service's knock-state sets (over a step timeout) and allowed sets
    /// (over a window), as a fraction of their size (0 to 1; default 0.1). Enforced by a per-prefix token bucket.
    /// </summary>
    public double PrefixShare { get; set; } = 0.1;

    /// <summary>How often the kernel's set fill and counters are read (for <c>/metrics</c>, <c>/healthz</c> and the log).</summary>
    public TimeSpan SetCheckInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Completed knocks (<c>wk:open:</c>) logged to NFLOG per second, over all sources: a budget of their own.</summary>
    public int OpenLogRatePerSecond { get; set; } = 200;

    /// <summary>Knock events (steps, wrong knocks) logged to NFLOG per second, over all sources.</summary>
    public int KnockLogRatePerSecond { get; set; } = 500;

    /// <summary>Drops, floods and scans logged to NFLOG per second, over all sources.</summary>
    public int NoiseLogRatePerSecond { get; set; } = 50;

    /// <summary>How often the watchdog checks that WebKnock's table is still loaded.</summary>
    public TimeSpan WatchdogInterval { get; set; } = TimeSpan.FromSeconds(2);
}
