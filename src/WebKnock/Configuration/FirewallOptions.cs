namespace WebKnock.Configuration;

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
