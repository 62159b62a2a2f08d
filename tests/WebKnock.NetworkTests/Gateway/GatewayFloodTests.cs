using System.Diagnostics;
using System.Globalization;
using WebKnock.NetworkTests.Infrastructure;
using Xunit.Abstractions;
using static WebKnock.NetworkTests.Infrastructure.GatewayScenario;

namespace WebKnock.NetworkTests.Gateway;

/// <summary>A SYN flood at the knock ports is the kernel's business: another address's knock and traffic go on.</summary>
[Collection(GatewayCollection.Name)]
public sealed partial class GatewayFloodTests(ITestOutputHelper output)
{
    private const int Total = 50_000;
    private const int Batch = 10_000;
    private const int Streams = 2;
    private static readonly int[] Ports = [7000, 9000, 8000];

    [NetworkFact]
    public async Task A_flood_of_50000_SYNs_at_the_knock_ports_neither_delays_A_knock_nor_stops_the_gateway()
    {
        await using var gw = await GatewayScenario.StartAsync(output, clients: 3);
        var (a, b, c) = (gw.A, gw.B, gw.Network.Clients[2]);
        var server = TestNetwork.ServerV4.ToString();

        // A gateway in service is warm: C's knock and requests take the first-request costs (JIT, first TLS handshake)
        // that would otherwise be counted in A's time to open.
        Assert.Equal(0, (await gw.KnockClientAsync(c, server, "--ports", KnockPorts)).ExitCode);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(200, (await gw.CurlAsync(c, Url("/.webknock/status"))).Status);
        }

        // The test's own counter of B's SYNs at the knock ports, in a table of its own that accepts everything.
        await gw.Server.ExecAsync("nft", $"add table inet wk_e2e_count; add chain inet wk_e2e_count c {{ type filter hook prerouting priority -500; policy accept; }}; add rule inet wk_e2e_count c ip saddr {b.V4} tcp dport {{ 7000, 9000, 8000 }} tcp flags & (fin|syn|rst|ack) == syn counter");

        // B: batches of SYNs (one socket each, closed before any retransmission) from two workers, 50,000 in all.
        var flood = Stopwatch.StartNew();
        var batches = new System.Collections.Concurrent.ConcurrentQueue<int>(Enumerable.Range(0, Total / Batch).Select(i => Ports[i % Ports.Length]));
        var streams = Enumerable.Range(0, Streams).Select(_ => Task.Run(async () =>
        {
            var codes = new List<int>();
            while (batches.TryDequeue(out var port))
            {
                var result = await AgentProcess.RunToolAsync(b.Namespace, "synburst", server, port.ToString(CultureInfo.InvariantCulture), Batch.ToString(CultureInfo.InvariantCulture));
                codes.Add(result.ExitCode);
            }

            return codes;
        })).ToArray();
        var all = Task.WhenAll(streams);

        // Once B is banned at the knock ports (the flood is on), A knocks and we time how long until the gateway serves it.
        var banned = await Eventually.WaitAsync(async () => (await gw.ListSetAsync("knockban4")).Any(e => e.Address.Equals(b.V4)), TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(50));
        Assert.True(banned is not null, $"B was never banned\n{gw.Diagnostics}");
        Assert.False(all.IsCompleted, "the flood was over before A knocked; nothing was measured");
        // The knock client checks the port right after its last step (the kernel's part); then curl asks the gateway
        // until it answers (the gate's part, which waits for the NFLOG event). Each attempt: start after the knock, duration, status.
        var script = $$"""
            "$1" "$2" knock {{server}} --ports {{KnockPorts}} --gap-ms 80 --timeout-ms 20 --check --check-timeout-ms 1000 || exit 3
            t0=$(date +%s%N)
            echo "ended $(( t0 / 1000000 ))"
            while :; do
              s=$(date +%s%N)
              code=$(curl -sk --max-time 10 -o /dev/null -w '%{http_code}' https://{{server}}/.webknock/status)
              e=$(date +%s%N)
              echo "try $(( (s - t0) / 1000000 )) $(( (e - s) / 1000000 )) $code"
              [ "$code" = 200 ] && exit 0
              [ $(( (e - t0) / 1000000 )) -gt 20000 ] && exit 1
              sleep 0.02
            done
            """;
        var measured = await a.Namespace.TryExecAsync("bash", "-c", script, "knock", BuildOutputs.Dotnet, BuildOutputs.Gateway);
        var floodRunning = !all.IsCompleted;
        output.WriteLine(measured.Output.TrimEnd());
        Assert.True(measured.ExitCode == 0, $"{measured.Output} {measured.Error}\n{gw.Diagnostics}");
        Assert.Contains($"open: {server} port 443", measured.Output);
        var lines = measured.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var knockEnded = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(lines.Single(l => l.StartsWith("ended ", StringComparison.Ordinal))[6..], CultureInfo.InvariantCulture));
        var tries = lines.Where(l => l.StartsWith("try ", StringComparison.Ordinal)).Select(l => l.Split(' ')).Select(w => (Start: int.Parse(w[1], CultureInfo.InvariantCulture), Took: int.Parse(w[2], CultureInfo.InvariantCulture), Code: w[3])).ToList();
        var answered = tries.Last();
        var opened = gw.LogEvents("Window of {Service} opened", ("Address", a.V4.ToString())).Select(e => DateTimeOffset.Parse(e["@t"], CultureInfo.InvariantCulture)).First();
        var gateOpened = opened - knockEnded;
        output.WriteLine($"A's knock: the kernel let A's check through at once; the gateway opened A's window {gateOpened.TotalMilliseconds:F0} ms after the knock client ended; "
            + $"the first HTTPS attempt to succeed started {answered.Start} ms after it and took {answered.Took} ms ({tries.Count} attempts; flood still running: {floodRunning})");

        // The gateway keeps serving A while B floods.
        var served = 0;
        var failures = new List<string>();
        while (!all.IsCompleted)
        {
            var watch = Stopwatch.StartNew();
            var page = await gw.CurlAsync(a, Url(LoginPage), maxSeconds: 15);
            if (page.Status == 200 && page.HasBanner)
            {
                served++;
            }
            else
            {
                failures.Add($"{DateTimeOffset.UtcNow:HH:mm:ss.fff} status {page.Status}, curl exit {page.CurlExit}, after {watch.ElapsedMilliseconds} ms");
            }
        }

        var codes = (await all).SelectMany(c => c).ToList();
        flood.Stop();
        output.WriteLine($"flood: {codes.Count} batches of {Batch} SYNs from {b.V4} in {flood.Elapsed.TotalSeconds:F1} s ({Total / flood.Elapsed.TotalSeconds:F0}/s on average, bursts faster); B banned {banned!.Value.TotalMilliseconds:F0} ms after the start");
        output.WriteLine($"A was served {served} pages during the flood, {failures.Count} failures {string.Join("; ", failures)}");
        var counted = long.Parse(CounterPackets().Match((await gw.Server.ExecAsync("nft", "list", "chain", "inet", "wk_e2e_count", "c")).Output).Groups[1].Value, CultureInfo.InvariantCulture);
        output.WriteLine($"SYNs from B counted at the server's knock ports: {counted}");
        Assert.All(codes, c => Assert.Equal(0, c));
        Assert.InRange(counted, Total, Total + (Total / 10)); // every SYN arrived; a few may be retransmissions
        Assert.Equal(Total / Batch, codes.Count);
        Assert.True(gateOpened <= TimeSpan.FromSeconds(1), $"the gateway opened A's window {gateOpened} after the knock\n{gw.Diagnostics}");
        Assert.True(answered.Start <= 1000, $"A was still refused {answered.Start} ms after the knock\n{gw.Diagnostics}");
        Assert.True(failures.Count == 0, $"{string.Join("\n", failures)}\n{gw.Diagnostics}");

        Assert.False(gw.Gateway.HasExited);
        var page2 = await gw.CurlAsync(a, Url(LoginPage));
        Assert.Equal(200, page2.Status);
        Assert.True(page2.HasBanner);
        Assert.Equal(new[] { a.V4.ToString(), c.V4.ToString() }.Order(), (await gw.AllowedAsync()).Keys.Select(k => k.ToString()).Order());
        Assert.Contains(b.V4, (await gw.ListSetAsync("knockban4")).Select(e => e.Address));
        var floodEvents = gw.LogEvents("Knock {Outcome}", ("Outcome", "Flood"), ("Address", b.V4.ToString())).Count;
        var allKnockEvents = gw.LogEvents().Count(e => e.TryGetValue("Address", out var x) && x == b.V4.ToString());
        output.WriteLine($"the gateway logged {floodEvents} flood events and {allKnockEvents} events in all about B");
        Assert.InRange(floodEvents, 1, 100);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"counter packets (\d+)")]
    private static partial System.Text.RegularExpressions.Regex CounterPackets();
}
