using System.Globalization;
using System.Net;
using WebKnock.Configuration;
using WebKnock.Knocking;
using WebKnock.NetworkTests.Infrastructure;
using Xunit.Abstractions;

namespace WebKnock.NetworkTests.Gateway;

/// <summary>
/// The in-memory <see cref="KnockDetector"/> claims the kernel rules' semantics. One table of knock scenarios is run
/// through both: the detector on a manual clock, and the real gateway's kernel rules with real SYNs from one client
/// namespace per row and real pauses. Each row must end the same way in both (opened or not), and as expected.
/// Flood rows included: the detector bans a flooding source as the kernel does.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class KnockConformanceTests(ITestOutputHelper output)
{
    private const int P1 = 7000, P2 = 9000, P3 = 8000;
    private const int GapMs = 100;
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Between two steps of a row in the kernel, a tool process starts: about this long (it only lengthens pauses).</summary>
    private static readonly TimeSpan ToolStart = TimeSpan.FromMilliseconds(500);

    /// <summary>One thing a client does: SYNs one after another, a burst of SYNs at once, or a pause.</summary>
    public abstract record Step;

    /// <summary>One SYN to each port in order, <see cref="GapMs"/> apart (the agent's <c>knock</c> tool).</summary>
    public sealed record Syns(params int[] Ports) : Step;

    /// <summary><paramref name="Count"/> SYNs to one port as fast as they go (the agent's <c>synburst</c> tool).</summary>
    public sealed record Burst(int Port, int Count) : Step;

    /// <summary>A pause.</summary>
    public sealed record Wait(TimeSpan Time) : Step;

    /// <summary>A scenario: steps from one source address, and whether it ends with the port open.</summary>
    public sealed record Row(string Name, Step[] Steps, bool Opens);

    /// <summary>Well over the step timeout.</summary>
    private static readonly Wait Pause = new(StepTimeout * 2 + TimeSpan.FromSeconds(1));

    public static readonly Row[] Rows =
    [
        new("right order", [new Syns(P1, P2, P3)], true),
        new("wrong order", [new Syns(P1, P3, P2)], false),
        new("reverse order", [new Syns(P3, P2, P1)], false),
        new("incomplete", [new Syns(P1, P2)], false),
        new("only the last two steps", [new Syns(P2, P3)], false),
        new("repeated steps, as a browser sends them", [new Syns(P1, P1, P2, P1, P2, P3, P2, P3)], true),
        new("too slow before the last step", [new Syns(P1, P2), Pause, new Syns(P3)], false),
        new("too slow before the second step", [new Syns(P1), Pause, new Syns(P2, P3)], false),
        new("non-knock ports in between", [new Syns(P1, 7001, P2, 5555, P3)], true),
        new("wrong port, then restart with port 1", [new Syns(P1, P3, P1, P2, P3)], true),
        new("pause, then restart with port 1", [new Syns(P1, P2), Pause, new Syns(P1, P2, P3)], true),
        new("completed, then repeats", [new Syns(P1, P2, P3, P3, P2, P1, P1)], true),
    ];

    /// <summary>
    /// Floods. The kernel's per-source bucket holds RateBurst SYNs (nft_limit: burst packets, refilled at RatePerSecond)
    /// and a source that overflows it is banned from the knock ports for FloodBanTime (5 minutes).
    /// </summary>
    public static readonly Row[] FloodRows =
    [
        new("a burst of 8 SYNs at port 1, then the knock", [new Burst(P1, 8), new Syns(P1, P2, P3)], true),
        new("a burst of 15 SYNs at port 1, then the knock", [new Burst(P1, 15), new Syns(P1, P2, P3)], false),
        new("a flood of 40 SYNs at port 1, a pause, then the knock", [new Burst(P1, 40), Pause, new Syns(P1, P2, P3)], false),
    ];

    [Fact]
    public void The_in_memory_detector_gives_the_expected_outcome_of_every_row()
    {
        foreach (var row in Rows)
        {
            Assert.True(row.Opens == RunInMemory(row, IPAddress.Parse("192.0.2.10")), row.Name);
        }
    }

    [Fact]
    public void The_in_memory_detector_treats_floods_as_the_kernel_does()
    {
        foreach (var row in FloodRows)
        {
            Assert.True(row.Opens == RunInMemory(row, IPAddress.Parse("192.0.2.10")), row.Name);
        }
    }

    [NetworkFact]
    public async Task Every_row_ends_the_same_in_the_in_memory_detector_and_in_the_kernel()
    {
        Row[] all = [.. Rows, .. FloodRows];
        await using var gw = await GatewayScenario.StartAsync(output, clients: all.Length, $"WebKnock:Webmail:Knock:StepTimeout={StepTimeout}");

        // Rows run side by side, a few at a time, each from its own client (its own source address).
        await RunInKernelAsync(gw, all);

        var kernel = await gw.AllowedAsync();
        var banned = (await gw.ListSetAsync("knockban4")).Select(e => e.Address).ToHashSet();
        var opened = all.Select((_, i) => kernel.ContainsKey(gw.Network.Clients[i].V4)).ToArray();

        // The gateway heard the same from the kernel (its NFLOG reader): a completed sequence for exactly those rows.
        var heard = await Eventually.WaitAsync(() => all.Select((_, i) => Completed(gw, gw.Network.Clients[i].V4)).SequenceEqual(opened), TimeSpan.FromSeconds(3));

        var memory = all.Select((row, i) => RunInMemory(row, gw.Network.Clients[i].V4)).ToArray();
        output.WriteLine($"{"row",-55} {"expected",-9} {"memory",-9} {"kernel",-9} gateway");
        for (var i = 0; i < all.Length; i++)
        {
            var address = gw.Network.Clients[i].V4;
            output.WriteLine($"{all[i].Name,-55} {Word(all[i].Opens),-9} {Word(memory[i]),-9} {Word(opened[i]),-9} {Word(Completed(gw, address)),-9}{(banned.Contains(address) ? " (banned)" : "")}");
        }

        Assert.All(all.Select((row, i) => (row, i)), r =>
        {
            Assert.True(opened[r.i] == r.row.Opens, $"{r.row.Name}: in the kernel {Word(opened[r.i])}, expected {Word(r.row.Opens)}\n{gw.Diagnostics}");
            Assert.True(memory[r.i] == r.row.Opens, $"{r.row.Name}: in memory {Word(memory[r.i])}, expected {Word(r.row.Opens)}");
        });
        Assert.True(heard is not null, "the gateway's completed sequences differ from the kernel's allowed set");
    }

    private static bool Completed(GatewayScenario gw, IPAddress address)
        => gw.LogEvents("Knock sequence of {Service} completed", ("Address", address.ToString())).Count > 0;

    private static string Word(bool opened) => opened ? "opened" : "closed";

    /// <summary>Each row from its own client, a few rows at a time, with real SYNs and real pauses.</summary>
    private static async Task RunInKernelAsync(GatewayScenario gw, Row[] rows)
    {
        var server = TestNetwork.ServerV4.ToString();
        using var slots = new SemaphoreSlim(4);
        await Task.WhenAll(rows.Select(async (row, i) =>
        {
            await slots.WaitAsync();
            try
            {
                var ns = gw.Network.Clients[i].Namespace;
                foreach (var step in row.Steps)
                {
                    var run = step switch
                    {
                        Syns syns => AgentProcess.RunToolAsync(ns, "knock", server, string.Join(',', syns.Ports), GapMs.ToString(CultureInfo.InvariantCulture)),
                        Burst burst => AgentProcess.RunToolAsync(ns, "synburst", server, burst.Port.ToString(CultureInfo.InvariantCulture), burst.Count.ToString(CultureInfo.InvariantCulture)),
                        Wait wait => Task.Delay(wait.Time).ContinueWith(_ => new Shell.Result(0, "", ""), TaskScheduler.Default),
                        _ => throw new ArgumentException(step.ToString()),
                    };
                    (await run).ThrowIfFailed($"{step} of row {row.Name}");
                }
            }
            finally
            {
                slots.Release();
            }
        }));
    }

    /// <summary>
    /// The row through the in-memory detector, with the gateway's knock settings, on a manual clock: SYNs of one step
    /// <see cref="GapMs"/> apart, a burst all at one instant, and between two steps the time a tool takes to start.
    /// </summary>
    private static bool RunInMemory(Row row, IPAddress source)
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var options = new KnockOptions { Ports = [P1, P2, P3], StepTimeout = StepTimeout, RatePerSecond = 20, RateBurst = 10 };
        var detector = new KnockDetector("webmail", options, clock);
        var opened = false;
        foreach (var step in row.Steps)
        {
            switch (step)
            {
                case Syns syns:
                    foreach (var port in syns.Ports)
                    {
                        opened |= Observe(port);
                        clock.Advance(TimeSpan.FromMilliseconds(GapMs));
                    }

                    break;
                case Burst burst:
                    for (var i = 0; i < burst.Count; i++)
                    {
                        opened |= Observe(burst.Port);
                    }

                    break;
                case Wait wait:
                    clock.Advance(wait.Time);
                    break;
            }

            clock.Advance(ToolStart);
        }

        return opened;

        bool Observe(int port) => detector.Observe(new KnockPacket(source, port, TcpFlags.Syn))?.Kind == KnockEventKind.SequenceCompleted;
    }

    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public void Advance(TimeSpan by) => _now += by;

        public override DateTimeOffset GetUtcNow() => _now;
    }
}
