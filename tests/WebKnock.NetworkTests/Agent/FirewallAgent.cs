using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WebKnock.Configuration;
using WebKnock.Firewall.Nftables;
using WebKnock.Knocking;
using WebKnock.Knocking.Nflog;

namespace WebKnock.NetworkTests.Agent;

/// <summary>
/// Runs the real nftables firewall, NFLOG reader and watchdog, wired by <c>AddNftablesFirewall</c>, inside a
/// namespace. Reads one command a line on stdin and answers <c>ok ...</c> or <c>error ...</c>; knock events
/// are printed as <c>event KIND SERVICE SOURCE PORT STEP</c> as they come.
/// </summary>
internal static class FirewallAgent
{
    public static async Task<int> RunAsync(string configPath)
    {
        var config = AgentConfig.Load(configPath);
        var known = new List<(string Service, IPAddress Address, TimeSpan Remaining)>();
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddSimpleConsole().SetMinimumLevel(LogLevel.Debug).AddFilter("Microsoft", LogLevel.Warning)
            .Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddSingleton(Options.Create(config.WebKnock));
        services.AddSingleton<IKnockEventSink, ConsoleSink>();
        services.AddSingleton<Func<IEnumerable<(string Service, IPAddress Address, TimeSpan Remaining)>>>(() => known.ToList());
        var knownNetworks = new List<(string Service, IPNetwork Network, TimeSpan Remaining)>();
        services.AddSingleton<Func<IEnumerable<(string Service, IPNetwork Network, TimeSpan Remaining)>>>(() => knownNetworks.ToList());
        services.AddNftablesFirewall();
        services.Configure<NftablesOptions>(o => Copy(config.Nftables, o));
        await using var provider = services.BuildServiceProvider();
        var firewall = provider.GetRequiredService<NftablesFirewall>();
        var reader = provider.GetRequiredService<NflogKnockSource>();
        var watchdog = provider.GetRequiredService<TableWatchdog>();
        using var stop = new CancellationTokenSource();
        var ct = stop.Token;
        var listeners = new List<IDisposable>();

        Console.WriteLine("ready");
        while (await Console.In.ReadLineAsync() is { } line)
        {
            var a = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (a.Length == 0)
            {
                continue;
            }

            try
            {
                var reply = a[0] switch
                {
                    "init" => await Done(firewall.InitializeAsync(ct)),
                    "open" => await Done(firewall.OpenAsync(a[1], IPAddress.Parse(a[2]), Seconds(a[3]), ct)),
                    "close" => await Done(firewall.CloseAsync(a[1], IPAddress.Parse(a[2]), ct)),
                    "list" => Format(await firewall.ListAsync(a[1], ct)),
                    "opennet" => await Done(firewall.OpenNetworkAsync(a[1], IPNetwork.Parse(a[2]), Seconds(a[3]), ct)),
                    "closenet" => await Done(firewall.CloseNetworkAsync(a[1], IPNetwork.Parse(a[2]), ct)),
                    "nets" => string.Join(' ', (await firewall.ListNetworksAsync(a[1], ct))
                        .Select(e => $"{e.Network}={(e.Remaining is { } r ? r.TotalSeconds.ToString(CultureInfo.InvariantCulture) : "none")}")),
                    "knownnet" => Add(knownNetworks, (a[1], IPNetwork.Parse(a[2]), Seconds(a[3]))),
                    "block" => await Done(firewall.BlockAsync(IPAddress.Parse(a[1]), Seconds(a[2]), ct)),
                    "unblock" => await Done(firewall.UnblockAsync(IPAddress.Parse(a[1]), ct)),
                    "blocked" => Format(await firewall.ListBlockedAsync(ct)),
                    "reader" => await StartReader(reader, ct),
                    "counters" => $"{reader.Received} {reader.Malformed} {reader.Lost} {reader.Overruns}",
                    "known" => Add(known, (a[1], IPAddress.Parse(a[2]), Seconds(a[3]))),
                    "watchdog" => await Done(watchdog.StartAsync(ct)),
                    "restores" => watchdog.Restores.ToString(CultureInfo.InvariantCulture),
                    "listen" => Add(listeners, EchoListener.Start(int.Parse(a[1], CultureInfo.InvariantCulture))),
                    "bench" => await BenchAsync(firewall, int.Parse(a[1], CultureInfo.InvariantCulture), ct),
                    "mode" => Mode(provider.GetRequiredService<NftWriter>(), a.Length > 1 ? a[1] : null),
                    "mixed" => await MixedAsync(firewall, int.Parse(a[1], CultureInfo.InvariantCulture), ct),
                    "quit" => null,
                    _ => throw new ArgumentException($"unknown command {a[0]}"),
                };
                if (reply is null)
                {
                    break;
                }

                Console.WriteLine($"ok {reply}");
            }
            catch (Exception e)
            {
                Console.WriteLine($"error {e.GetType().Name}: {e.Message.ReplaceLineEndings(" | ")}");
            }
        }

        await stop.CancelAsync();
        listeners.ForEach(l => l.Dispose());
        await reader.StopAsync(CancellationToken.None);
        await watchdog.StopAsync(CancellationToken.None);
        return 0;
    }

    private static TimeSpan Seconds(string text) => TimeSpan.FromSeconds(double.Parse(text, CultureInfo.InvariantCulture));

    private static async Task<string> Done(Task task)
    {
        await task;
        return "";
    }

    private static string Add<T>(List<T> list, T item)
    {
        list.Add(item);
        return "";
    }

    private static async Task<string> StartReader(NflogKnockSource reader, CancellationToken ct)
    {
        await reader.StartAsync(ct);
        await reader.Listening.WaitAsync(TimeSpan.FromSeconds(10), ct);
        return "";
    }

    private static string Format(IReadOnlyList<WebKnock.Firewall.FirewallElement> elements)
        => string.Join(' ', elements.Select(e => $"{e.Address}={(e.Remaining is { } r ? r.TotalSeconds.ToString(CultureInfo.InvariantCulture) : "none")}"));

    /// <summary>Opens per second: one awaited call at a time, then all at once (batched by the writer).</summary>
    private static async Task<string> BenchAsync(NftablesFirewall firewall, int count, CancellationToken ct)
    {
        var addresses = Enumerable.Range(0, count).Select(i => new IPAddress([198, 18, (byte)(i >> 8), (byte)i])).ToArray();
        var watch = Stopwatch.StartNew();
        foreach (var address in addresses)
        {
            await firewall.OpenAsync("webmail", address, TimeSpan.FromMinutes(5), ct);
        }

        var single = count / watch.Elapsed.TotalSeconds;
        watch.Restart();
        await Task.WhenAll(addresses.Select(a => firewall.OpenAsync("webmail", a, TimeSpan.FromMinutes(6), ct)));
        var batched = count / watch.Elapsed.TotalSeconds;
        await Task.WhenAll(addresses.Select(a => firewall.CloseAsync("webmail", a, ct)));
        return string.Create(CultureInfo.InvariantCulture, $"{single:F0} {batched:F0}");
    }

    /// <summary>The writer's refresh form (<c>add</c> or <c>portable</c>), after setting it when asked.</summary>
    private static string Mode(NftWriter writer, string? mode)
    {
        if (mode is not null)
        {
            writer.RefreshByAdd = mode == "add";
        }

        return writer.RefreshByAdd ? "add" : "portable";
    }

    /// <summary>
    /// Opens, closes and re-opens <paramref name="count"/> addresses all at once (the writer batches them), then
    /// compares the kernel's set with what running them one by one would leave: address i open for 600 s, closed
    /// again when i is a multiple of 3, open for 60 s when a multiple of 5. Replies "MISMATCHES EXPECTED ACTUAL".
    /// </summary>
    private static async Task<string> MixedAsync(NftablesFirewall firewall, int count, CancellationToken ct)
    {
        static IPAddress Address(int i) => new([0x20, 0x01, 0x0d, 0xb8, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0, (byte)(i >> 8), (byte)i]);
        var calls = new List<Task>();
        for (var i = 1; i <= count; i++)
        {
            calls.Add(firewall.OpenAsync("webmail", Address(i), TimeSpan.FromSeconds(600), ct));
            if (i % 3 == 0)
            {
                calls.Add(firewall.CloseAsync("webmail", Address(i), ct));
            }

            if (i % 5 == 0)
            {
                calls.Add(firewall.OpenAsync("webmail", Address(i), TimeSpan.FromSeconds(60), ct));
            }
        }

        await Task.WhenAll(calls);
        var listed = (await firewall.ListAsync("webmail", ct)).ToDictionary(e => e.Address, e => e.Remaining);
        var mismatches = 0;
        var expected = 0;
        for (var i = 1; i <= count; i++)
        {
            double? want = i % 5 == 0 ? 60 : i % 3 == 0 ? null : 600;
            expected += want is null ? 0 : 1;
            var have = listed.TryGetValue(Address(i), out var remaining) ? remaining?.TotalSeconds : null;
            if (want is null ? have is not null : have is null || have > want || have < want - 5)
            {
                mismatches++;
            }
        }

        await Task.WhenAll(Enumerable.Range(1, count).Select(i => firewall.CloseAsync("webmail", Address(i), ct)));
        return string.Create(CultureInfo.InvariantCulture, $"{mismatches} {expected} {listed.Count}");
    }

    private static void Copy(NftablesOptions from, NftablesOptions to)
    {
        foreach (var property in typeof(NftablesOptions).GetProperties().Where(p => p.CanWrite))
        {
            property.SetValue(to, property.GetValue(from));
        }
    }

    private sealed class ConsoleSink : IKnockEventSink
    {
        public void Publish(KnockEvent e)
            => Console.WriteLine($"event {e.Kind} {(e.Service.Length == 0 ? "-" : e.Service)} {e.Source} {e.Port} {e.Step}");
    }
}
