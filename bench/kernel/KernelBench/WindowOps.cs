using System.Diagnostics;
using System.Net;

namespace KernelBench;

/// <summary>
/// Window operations through libnftables, as the gateway makes them: <c>OpenAsync</c> awaited one at a time (single),
/// and many at once (batched by the writer into shared transactions); then the same with 100,000 windows in the set.
/// </summary>
internal static class WindowOps
{
    public static async Task<int> RunAsync(string[] args)
    {
        var single = Stats.Option(args, "--single", 2_000);
        var batched = Stats.Option(args, "--batched", 50_000);
        var fill = Stats.Option(args, "--fill", 100_000);
        await using var bench = BenchFirewall.Create();
        var firewall = bench.Firewall;
        await firewall.InitializeAsync(CancellationToken.None);
        var probed = bench.Writer.RefreshByAdd;
        if (args.Contains("--portable"))
        {
            bench.Writer.RefreshByAdd = false;
        }

        Console.WriteLine($"  refresh: the kernel {(probed ? "replaces a timeout on add" : "keeps a timeout on add")}; using {(bench.Writer.RefreshByAdd ? "add" : "add, delete, add")}");

        Console.WriteLine($"window operations through libnftables (set webmail_allow6, addresses in 2001:db8::/32)");
        await Report("single opens, empty set", single, () => Sequential(firewall, Addresses.Range(10, single)), bench);
        await Report("batched opens, empty set", batched, () => Concurrent(firewall, Addresses.Range(11, batched)), bench);
        await Report("batched re-opens (refresh) of the same", batched, () => Concurrent(firewall, Addresses.Range(11, batched)), bench);
        await Report("batched closes", batched, () => Task.WhenAll(Addresses.Range(11, batched).Select(a => firewall.CloseAsync("webmail", a, CancellationToken.None))), bench);
        await Task.WhenAll(Addresses.Range(10, single).Select(a => firewall.CloseAsync("webmail", a, CancellationToken.None)));

        var watch = Stopwatch.StartNew();
        await Concurrent(firewall, Addresses.Range(1, fill));
        Console.WriteLine($"  fill: {fill} windows opened in {watch.Elapsed.TotalSeconds:F2} s ({fill / watch.Elapsed.TotalSeconds:F0}/s)");
        var count = (await firewall.ListAsync("webmail", CancellationToken.None)).Count;
        watch.Restart();
        count = (await firewall.ListAsync("webmail", CancellationToken.None)).Count;
        Console.WriteLine($"  listing {count} windows took {watch.Elapsed.TotalMilliseconds:F0} ms");
        await Report($"single opens, {fill} windows in the set", single, () => Sequential(firewall, Addresses.Range(12, single)), bench);
        await Report($"batched opens, {fill} windows in the set", batched, () => Concurrent(firewall, Addresses.Range(13, batched)), bench);
        return 0;
    }

    private static async Task Report(string what, int count, Func<Task> run, BenchFirewall bench)
    {
        var runs = bench.Writer.Runs;
        var inside = bench.Writer.RunTime;
        var watch = Stopwatch.StartNew();
        await run();
        var elapsed = watch.Elapsed;
        var transactions = bench.Writer.Runs - runs;
        var nft = bench.Writer.RunTime - inside;
        Console.WriteLine($"  {what}: {count} in {elapsed.TotalSeconds:F2} s = {count / elapsed.TotalSeconds:F0}/s "
            + $"({elapsed.TotalMicroseconds / count:F1} us each; {transactions} libnftables calls taking {100 * nft / elapsed:F0}% of the time)");
    }

    private static async Task Sequential(WebKnock.Firewall.Nftables.NftablesFirewall firewall, IEnumerable<IPAddress> addresses)
    {
        foreach (var address in addresses)
        {
            await firewall.OpenAsync("webmail", address, TimeSpan.FromMinutes(30), CancellationToken.None);
        }
    }

    private static Task Concurrent(WebKnock.Firewall.Nftables.NftablesFirewall firewall, IEnumerable<IPAddress> addresses)
        => Task.WhenAll(addresses.Select(a => firewall.OpenAsync("webmail", a, TimeSpan.FromMinutes(30), CancellationToken.None)));
}
