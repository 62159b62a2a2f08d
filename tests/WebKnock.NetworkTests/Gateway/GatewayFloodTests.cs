using System.Diagnostics;
using System.Globalization;
using WebKnock.NetworkTests.Infrastructure;
using Xunit.Abstractions;
using static WebKnock.NetworkTests.Infrastructure.GatewayScenario;

namespace WebKnock.NetworkTests.Gateway;

/// <summary>A SYN flood at the knock ports is the kernel's business: another address's knock and traffic go on.</summary>
[Collection(GatewayCollection.Name)]
public sealed class GatewayFloodTests(ITestOutputHelper output)
{
    private const int Total = 50_000;
    private const int Batch = 5_000;
    private const int Streams = 2;
    private static readonly int[] Ports = [7000, 9000, 8000];

    [NetworkFact]
    public async Task A_flood_of_50000_SYNs_at_the_knock_ports_neither_delays_A_knock_nor_stops_the_gateway()
    {
        await using var gw = await GatewayScenario.StartAsync(output, clients: 2);
        var (a, b) = (gw.A, gw.B);
        var server = TestNetwork.ServerV4.ToString();

        // B: two streams of batches of SYNs (one socket each, as the agent's syn tool sends them), 50,000 in all.
        var flood = Stopwatch.StartNew();
        var batchesPerStream = Total / Batch / Streams;
        var streams = Enumerable.Range(0, Streams).Select(s => Task.Run(async () =>
        {
            var codes = new List<int>();
            for (var i = 0; i < batchesPerStream; i++)
            {
                var port = Ports[((s * batchesPerStream) + i) % Ports.Length];
                var result = await AgentProcess.RunToolAsync(b.Namespace, "syn", server, port.ToString(CultureInfo.InvariantCulture), Batch.ToString(CultureInfo.InvariantCulture));
                codes.Add(result.ExitCode);
            }

            return codes;
        })).ToArray();
        var all = Task.WhenAll(streams);

        // Once B is banned at the knock ports (the flood is on), A knocks and we time how long until the gateway serves it.
        var banned = await Eventually.WaitAsync(async () => (await gw.ListSetAsync("knockban4")).Any(e => e.Address.Equals(b.V4)), TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(50));
        Assert.True(banned is not null, $"B was never banned\n{gw.Diagnostics}");
        Assert.False(all.IsCompleted, "the flood was over before A knocked; nothing was measured");
        var script = $$"""
            "$1" "$2" knock {{server}} --ports {{KnockPorts}} --gap-ms 80 --timeout-ms 20 >/dev/null || exit 3
            t0=$(date +%s%N)
            while :; do
              code=$(curl -sk --max-time 1 -o /dev/null -w '%{http_code}' https://{{server}}/.webknock/status)
              [ "$code" = 200 ] && break
              [ $(( ($(date +%s%N) - t0) / 1000000 )) -gt 10000 ] && { echo never; exit 1; }
              sleep 0.02
            done
            echo $(( ($(date +%s%N) - t0) / 1000000 ))
            """;
        var measured = await a.Namespace.TryExecAsync("bash", "-c", script, "knock", BuildOutputs.Dotnet, BuildOutputs.Gateway);
        var floodRunning = !all.IsCompleted;
        Assert.True(measured.ExitCode == 0, $"{measured.Output} {measured.Error}\n{gw.Diagnostics}");
        var knockToOpen = TimeSpan.FromMilliseconds(int.Parse(measured.Output.Trim(), CultureInfo.InvariantCulture));

        // The gateway keeps serving A while B floods.
        var served = 0;
        var failed = 0;
        while (!all.IsCompleted)
        {
            var page = await gw.CurlAsync(a, Url(LoginPage));
            if (page.Status == 200 && page.HasBanner)
            {
                served++;
            }
            else
            {
                failed++;
            }
        }

        var codes = (await all).SelectMany(c => c).ToList();
        flood.Stop();
        output.WriteLine($"flood: {codes.Count} batches of {Batch} SYNs from {b.V4} in {flood.Elapsed.TotalSeconds:F1} s ({Total / flood.Elapsed.TotalSeconds:F0}/s on average, bursts faster); B banned {banned!.Value.TotalMilliseconds:F0} ms after the start");
        output.WriteLine($"A's knock opened the gateway to A {knockToOpen.TotalMilliseconds:F0} ms after the knock client ended (flood still running: {floodRunning}); A served {served} pages during the flood, {failed} failures");
        Assert.All(codes, c => Assert.Equal(0, c));
        Assert.Equal(Total / Batch, codes.Count);
        Assert.True(knockToOpen <= TimeSpan.FromSeconds(1), $"A's knock took {knockToOpen} to open\n{gw.Diagnostics}");
        Assert.Equal(0, failed);

        Assert.False(gw.Gateway.HasExited);
        var page2 = await gw.CurlAsync(a, Url(LoginPage));
        Assert.Equal(200, page2.Status);
        Assert.True(page2.HasBanner);
        Assert.Equal([a.V4], (await gw.AllowedAsync()).Keys);
        Assert.Contains(b.V4, (await gw.ListSetAsync("knockban4")).Select(e => e.Address));
        var floodEvents = gw.LogEvents("Knock {Outcome}", ("Outcome", "Flood"), ("Address", b.V4.ToString())).Count;
        var allKnockEvents = gw.LogEvents().Count(e => e.TryGetValue("Address", out var x) && x == b.V4.ToString());
        output.WriteLine($"the gateway logged {floodEvents} flood events and {allKnockEvents} events in all about B");
        Assert.InRange(floodEvents, 1, 100);
    }
}
