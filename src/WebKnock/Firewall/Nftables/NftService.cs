using WebKnock.Configuration;

namespace WebKnock.Firewall.Nftables;

/// <summary>One guarded service as the ruleset sees it: its knock, its window, its protected ports.</summary>
internal sealed record NftService(
    string Name,
    IReadOnlyList<int> KnockPorts,
    IReadOnlyList<int> ProtectedPorts,
    TimeSpan StepTimeout,
    TimeSpan Window,
    int RatePerSecond,
    int RateBurst,
    int TrackedSources,
    bool KeepEstablished,
    bool Plain = true,
    WebKnock.Knocking.Totp.TotpPortPool? Totp = null)
{
    public const string Webmail = "webmail";
    public const string Ssh = "ssh";

    /// <summary>The configured services: webmail always, SSH when configured; the config key prefix with each.</summary>
    public static IReadOnlyList<(NftService Service, string Key)> From(WebKnockOptions options, NftablesOptions nftables)
    {
        var services = new List<(NftService, string)>
        {
            (Create(Webmail, options.Webmail, nftables.WebmailKeepEstablished) with { Totp = WebKnock.Knocking.Totp.TotpPools.For(options, nftables, Webmail) },
                $"{WebKnockOptions.SectionName}:Webmail"),
        };
        if (options.Ssh is not null)
        {
            services.Add((Create(Ssh, options.Ssh, nftables.SshKeepEstablished) with { Totp = WebKnock.Knocking.Totp.TotpPools.For(options, nftables, Ssh) },
                $"{WebKnockOptions.SectionName}:Ssh"));
        }

        return services;
    }

    private static NftService Create(string name, ServiceOptions options, bool keepEstablished) => new(
        name,
        options.Knock.Ports,
        options.ProtectedPorts,
        options.Knock.StepTimeout,
        options.Window,
        options.Knock.RatePerSecond,
        options.Knock.RateBurst,
        options.Knock.MaxTrackedSources,
        keepEstablished,
        options.Knock.Plain);
}

/// <summary>Names of the sets and chains in WebKnock's table. Sets come in pairs: suffix 4 and 6.</summary>
internal static class NftNames
{
    /// <summary>Blocked from everything (admin blocks and scanners).</summary>
    public const string Blocked = "blocked";

    /// <summary>Ignored at the knock ports for a while after a flood.</summary>
    public const string KnockBan = "knockban";

    /// <summary>Per-source token buckets of the scan detector.</summary>
    public const string Scan = "scan";

    /// <summary>Networks that always pass (WebKnock:Network:AlwaysAllowed).</summary>
    public const string Always = "always";

    public const string InputChain = "input";

    /// <summary>
    /// The one chain that gives the verdict on a new connection that is not let in (<c>WebKnock:Firewall:ClosedPorts</c>:
    /// a rate-limited TCP RST or ICMP port unreachable, or a drop). Every rule that turns a packet away for good ends
    /// with <c>goto closed_port</c>, so that every port looks alike; so should the credential-knock chains.
    /// </summary>
    public const string ClosedPort = "closed_port";

    /// <summary>The global budget of RSTs and ICMP errors of <see cref="ClosedPort"/> (Reset mode).</summary>
    public const string RejectLimit = "wk_reject";

    /// <summary>Named counter: packets with an IPv4-mapped IPv6 source (::ffff:0:0/96), dropped.</summary>
    public const string MappedCounter = "mapped_v4";

    /// <summary>Named counter: knock SYNs turned away because their source prefix used its share of a set.</summary>
    public const string PrefixFullCounter = "prefix_full";

    public static string Allow(string service) => $"{service}_allow";

    /// <summary>Networks opened to the service for a while (interval sets with per-element timeouts).</summary>
    public static string Networks(string service) => $"{service}_nets";

    public static string Progress(string service, int step) => $"{service}_k{step}_";

    public static string Rate(string service) => $"{service}_rate";

    /// <summary>Per-source-prefix token buckets bounding a prefix's share of the knock-state sets.</summary>
    public static string PrefixProgress(string service) => $"{service}_pfx";

    /// <summary>Per-source-prefix token buckets bounding a prefix's share of the allowed sets.</summary>
    public static string PrefixOpen(string service) => $"{service}_pfxopen";

    /// <summary>Per-source token buckets of the SYNs to the service's TOTP range.</summary>
    public static string TotpRate(string service) => $"{service}_trate";

    /// <summary>Knock SYNs seen lately, as (source address . knock port . source port): their retransmissions are ignored.</summary>
    public static string Seen(string service) => $"{service}_seen";
}

/// <summary>One address family as the rules spell it: the payload keyword and the set name suffix.</summary>
internal readonly record struct NftFamily(string Proto, char Suffix)
{
    public static readonly NftFamily V4 = new("ip", '4');
    public static readonly NftFamily V6 = new("ip6", '6');
    public static readonly NftFamily[] Both = [V4, V6];

    public string Saddr => $"{Proto} saddr";

    /// <summary>The source address masked to <paramref name="prefix"/> bits (the bare source at the full length).</summary>
    public string SaddrPrefix(int prefix)
    {
        var bits = this == V4 ? 32 : 128;
        if (prefix >= bits)
        {
            return Saddr;
        }

        var mask = new byte[bits / 8];
        for (var i = 0; i < prefix; i++)
        {
            mask[i / 8] |= (byte)(0x80 >> (i % 8));
        }

        return $"{Saddr} & {new System.Net.IPAddress(mask)}";
    }
}
