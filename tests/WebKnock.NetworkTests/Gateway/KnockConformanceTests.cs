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
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class KnockConformanceTests(ITestOutputHelper output)
{
    private const int P1 = 7000, P2 = 9000, P3 = 8000;
    private const int GapMs = 100;
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Between two segments of a row: well over the step timeout.</summary>
    private static readonly TimeSpan Pause = StepTimeout * 2 + TimeSpan.FromSeconds(1);

    /// <summary>A scenario: segments of SYNs (one port each, <see cref="GapMs"/> apart) separated by a <see cref="Pause"/>.</summary>
    public sealed record Row(string Name, int[][] Segments, bool Opens);

    public static readonly Row[] Rows =
    [
        new("right order", [[P1, P2, P3]], true),
        new("wrong order", [[P1, P3, P2]], false),
        new("reverse order", [[P3, P2, P1]], false),
        new("incomplete", [[P1, P2]], false),
        new("only the last two steps", [[P2, P3]], false),
        new("repeated steps, as a browser sends them", [[P1, P1, P2, P1, P2, P3, P2, P3]], true),
        new("too slow before the last step", [[P1, P2], [P3]], false),
        new("too slow before the second step", [[P1], [P2, P3]], false),
        new("non-knock ports in between", [[P1, 7001, P2, 5555, P3]], true),
        new("wrong port, then restart with port 1", [[P1, P3, P1, P2, P3]], true),
        new("pause, then restart with port 1", [[P1, P2], [P1, P2, P3]], true),
        new("completed, then repeats", [[P1, P2, P3, P3, P2, P1, P1]], true),
    ];

    [Fact]
    public void The_in_memory_detector_gives_the_expected_outcome_of_every_row()
    {
        foreach (var row in Rows)
        {
            Assert.True(row.Opens == RunInMemory(row, IPAddress.Parse("192.0.2.10")), row.Name);
        }
    }

    [NetworkFact]
    public async Task Every_row_ends_the_same_in_the_in_memory_detector_and_in_the_kernel()
    {
        await using var gw = await GatewayScenario.StartAsync(output, clients: Rows.Length, $"WebKnock:Webmail:Knock:StepTimeout={StepTimeout}");
        var server = TestNetwork.ServerV4.ToString();

        // Rows run side by side, a few at a time, each from its own client (its own source address).
        using var slots = new SemaphoreSlim(4);
        await Task.WhenAll(Rows.Select(async (row, i) =>
        {
            await slots.WaitAsync();
            try
            {
                var client = gw.Network.Clients[i];
                for (var s = 0; s < row.Segments.Length; s++)
                {
                    if (s > 0)
                    {
                        await Task.Delay(Pause);
                    }

                    (await AgentProcess.RunToolAsync(client.Namespace, "knock", server, string.Join(',', row.Segments[s]), GapMs.ToString(CultureInfo.InvariantCulture)))
                        .ThrowIfFailed($"knock of row {row.Name}");
                }
            }
            finally
            {
                slots.Release();
            }
        }));

        var kernel = await gw.AllowedAsync();
        var opened = Rows.Select((_, i) => kernel.ContainsKey(gw.Network.Clients[i].V4)).ToArray();

        // The gateway heard the same from the kernel (its NFLOG reader): a completed sequence for exactly those rows.
        var heard = await Eventually.WaitAsync(() => Rows.Select((_, i) => Completed(gw, gw.Network.Clients[i].V4)).SequenceEqual(opened), TimeSpan.FromSeconds(3));

        var memory = Rows.Select((row, i) => RunInMemory(row, gw.Network.Clients[i].V4)).ToArray();
        output.WriteLine($"{"row",-45} {"expected",-9} {"memory",-9} {"kernel",-9} gateway");
        for (var i = 0; i < Rows.Length; i++)
        {
            output.WriteLine($"{Rows[i].Name,-45} {Word(Rows[i].Opens),-9} {Word(memory[i]),-9} {Word(opened[i]),-9} {Word(Completed(gw, gw.Network.Clients[i].V4))}");
        }

        Assert.All(Rows.Select((row, i) => (row, i)), r =>
        {
            Assert.True(memory[r.i] == r.row.Opens, $"{r.row.Name}: in memory {Word(memory[r.i])}, expected {Word(r.row.Opens)}");
            Assert.True(opened[r.i] == r.row.Opens, $"{r.row.Name}: in the kernel {Word(opened[r.i])}, expected {Word(r.row.Opens)}\n{gw.Diagnostics}");
        });
        Assert.True(heard is not null, "the gateway's completed sequences differ from the kernel's allowed set");
    }

    private static bool Completed(GatewayScenario gw, IPAddress address)
        => gw.LogEvents("Knock sequence of {Service} completed", ("Address", address.ToString())).Count > 0;

    private static string Word(bool opened) => opened ? "opened" : "closed";

    /// <summary>The row through the in-memory detector, with the gateway's knock settings and the same gaps on a manual clock.</summary>
    private static bool RunInMemory(Row row, IPAddress source)
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var options = new KnockOptions { Ports = [P1, P2, P3], StepTimeout = StepTimeout };
        var detector = new KnockDetector("webmail", options, clock);
        var opened = false;
        for (var s = 0; s < row.Segments.Length; s++)
        {
            if (s > 0)
            {
                clock.Advance(Pause);
            }

            foreach (var port in row.Segments[s])
            {
                opened |= detector.Observe(new KnockPacket(source, port, TcpFlags.Syn))?.Kind == KnockEventKind.SequenceCompleted;
                clock.Advance(TimeSpan.FromMilliseconds(GapMs));
            }
        }

        return opened;
    }

    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public void Advance(TimeSpan by) => _now += by;

        public override DateTimeOffset GetUtcNow() => _now;
    }
}
