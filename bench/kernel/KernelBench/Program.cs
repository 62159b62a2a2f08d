using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WebKnock.Configuration;
using WebKnock.Firewall.Nftables;

namespace KernelBench;

/// <summary>
/// The pieces of the kernel benchmark; ../run.sh runs each in the namespace it belongs to:
/// <list type="bullet">
/// <item><c>init</c> (server): loads WebKnock's table with the real code, <c>NftablesFirewall.InitializeAsync</c>;</item>
/// <item><c>open ADDRESS SECONDS</c> and <c>fill COUNT</c> (server): windows through <c>NftablesFirewall.OpenAsync</c>;</item>
/// <item><c>ops</c> (server): window operations per second through libnftables, single and batched, then with 100,000 windows;</item>
/// <item><c>latency</c> (client): from the last knock SYN to the first successful connection to the protected port.</item>
/// </list>
/// </summary>
internal static class Program
{
    public static int[] Knock { get; private set; } = [7000, 9000, 8000];

    /// <summary>WebKnock:Firewall:ClosedPorts of the table <c>init</c> loads (<c>--closed-ports Reset|Drop</c>; default Reset).</summary>
    public static ClosedPortsMode ClosedPorts { get; private set; } = ClosedPortsMode.Reset;

    /// <summary>WebKnock:Firewall:Nftables:AlwaysOpenTcpPorts of the table <c>init</c> loads (<c>--always-open-tcp P1,P2</c>).</summary>
    public static int[] AlwaysOpenTcp { get; private set; } = [];

    public static async Task<int> Main(string[] args)
    {
        var invariant = CultureInfo.InvariantCulture;
        if (Stats.Text(args, "--knock") is { } knock)
        {
            Knock = [.. knock.Split(',').Select(p => int.Parse(p, invariant))];
        }

        if (Stats.Text(args, "--closed-ports") is { } closed)
        {
            ClosedPorts = Enum.Parse<ClosedPortsMode>(closed, ignoreCase: true);
        }

        if (Stats.Text(args, "--always-open-tcp") is { } open)
        {
            AlwaysOpenTcp = [.. open.Split(',').Select(p => int.Parse(p, invariant))];
        }

        switch (args.FirstOrDefault())
        {
            case "init":
                await using (var bench = BenchFirewall.Create())
                {
                    await bench.Firewall.InitializeAsync(CancellationToken.None);
                }

                Console.WriteLine($"table loaded by NftablesFirewall.InitializeAsync (knock {string.Join(", ", Program.Knock)}; ClosedPorts {Program.ClosedPorts})");
                return 0;
            case "open":
                await using (var bench = BenchFirewall.Create())
                {
                    await bench.Firewall.OpenAsync("webmail", IPAddress.Parse(args[1]), TimeSpan.FromSeconds(double.Parse(args[2], invariant)), CancellationToken.None);
                }

                return 0;
            case "fill":
                await using (var bench = BenchFirewall.Create())
                {
                    var count = int.Parse(args[1], invariant);
                    var watch = Stopwatch.StartNew();
                    await Task.WhenAll(Addresses.Range(1, count).Select(a => bench.Firewall.OpenAsync("webmail", a, TimeSpan.FromHours(2), CancellationToken.None)));
                    Console.WriteLine($"filled webmail_allow6 with {count} windows in {watch.Elapsed.TotalSeconds:F2} s");
                }

                return 0;
            case "ops":
                return await WindowOps.RunAsync(args[1..]);
            case "latency":
                return await KnockLatency.RunAsync(args[1..]);
            default:
                Console.Error.WriteLine("usage: KernelBench init [--knock P1,P2,...] [--closed-ports Reset|Drop] [--always-open-tcp P1,P2] | open ADDRESS SECONDS | fill COUNT | ops [--single N] [--batched N] [--fill N] | latency --server ADDRESS --first-source ADDRESS --rounds N");
                return 2;
        }
    }
}

/// <summary>WebKnock's firewall as the gateway builds it: webmail knock 7000, 9000, 8000 in front of port 443.</summary>
internal sealed class BenchFirewall : IAsyncDisposable
{
    private BenchFirewall(NftablesFirewall firewall, NftWriter writer)
    {
        Firewall = firewall;
        Writer = writer;
    }

    public NftablesFirewall Firewall { get; }

    public NftWriter Writer { get; }

    public static BenchFirewall Create()
    {
        var options = new WebKnockOptions
        {
            Webmail = new ServiceOptions
            {
                Knock = new KnockOptions { Ports = Program.Knock },
                ProtectedPorts = [443],
            },
            Firewall = new FirewallOptions { Backend = "Nftables", Table = "webknock", NflogGroup = 7300, ClosedPorts = Program.ClosedPorts },
        };
        var nftables = new NftablesOptions { MaxWindows = 262_144, AlwaysOpenTcpPorts = Program.AlwaysOpenTcp };
        var writer = new NftWriter();
        return new BenchFirewall(new NftablesFirewall(Options.Create(options), Options.Create(nftables), writer, NullLogger<NftablesFirewall>.Instance), writer);
    }

    public ValueTask DisposeAsync() => Writer.DisposeAsync();
}

/// <summary>Addresses from the documentation range 2001:db8::/32: block b, index i is 2001:db8:b::i.</summary>
internal static class Addresses
{
    public static IPAddress V6(int block, int index)
    {
        var bytes = new byte[16];
        bytes[0] = 0x20;
        bytes[1] = 0x01;
        bytes[2] = 0x0d;
        bytes[3] = 0xb8;
        bytes[4] = (byte)(block >> 8);
        bytes[5] = (byte)block;
        bytes[12] = (byte)(index >> 24);
        bytes[13] = (byte)(index >> 16);
        bytes[14] = (byte)(index >> 8);
        bytes[15] = (byte)index;
        return new IPAddress(bytes);
    }

    public static IEnumerable<IPAddress> Range(int block, int count) => Enumerable.Range(1, count).Select(i => V6(block, i));
}

internal static class Stats
{
    public static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        var rank = p / 100 * (sorted.Count - 1);
        var low = (int)Math.Floor(rank);
        var high = (int)Math.Ceiling(rank);
        return sorted[low] + ((sorted[high] - sorted[low]) * (rank - low));
    }

    public static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    public static string? Text(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
