using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace KernelBench;

/// <summary>
/// Knock-to-open latency, measured from the client: each round uses a fresh source address, sends one pure SYN
/// to each knock port in order (non-blocking connects that nobody answers), notes the time right after the last
/// SYN left, then tries to connect to the protected port (each try waits 0.5 ms for the handshake, then starts
/// again from a new source port) until a connection is made. For comparison, the same connect to a port that is
/// already open for the source.
/// </summary>
internal static class KnockLatency
{
    public static async Task<int> RunAsync(string[] args)
    {
        var server = IPAddress.Parse(Stats.Text(args, "--server") ?? "192.0.2.1");
        var first = IPAddress.Parse(Stats.Text(args, "--first-source") ?? "192.0.2.10").GetAddressBytes();
        var rounds = Stats.Option(args, "--rounds", 200);
        var port = Stats.Option(args, "--port", 443);
        var gapMs = Stats.Option(args, "--gap-ms", 1);

        // The first knocks after the gateway's start pay for compiling its code (the JIT): --warmup N knocks first,
        // from their own addresses (and users), reported alone and not counted in the percentiles.
        var warmup = Stats.Option(args, "--warmup", 0);
        var warm = new List<double>();

        // TOTP: round r knocks with user r's current sequence (a (user, step) opens once, so each round has its own user).
        var secrets = Stats.Text(args, "--totp-secrets") is { } file ? File.ReadAllLines(file).Where(l => l.Length > 0).ToArray() : null;
        var pool = new WebKnock.Knocking.Totp.TotpPortPool(20000, 29999, [443, 7000, 8000, 9000]);

        var latencies = new List<double>();
        var baseline = new List<double>();
        var attempts = new List<int>();
        var failures = 0;
        for (var round = 0; round < warmup + rounds; round++)
        {
            var bytes = (byte[])first.Clone();
            bytes[^1] = (byte)(bytes[^1] + round);
            var source = new IPAddress(bytes);
            var knocks = new List<Socket>();
            var ports = Program.Knock;
            if (secrets is not null)
            {
                WebKnock.Knocking.Users.Base32.TryDecode(secrets[round % secrets.Length], out var secret);
                ports = WebKnock.Knocking.Totp.TotpSequence.Derive(secret, WebKnock.Knocking.Totp.TotpCode.Counter(DateTimeOffset.UtcNow), pool, 3);
            }

            foreach (var knock in ports)
            {
                knocks.Add(Syn(source, server, knock));
                if (knock != ports[^1])
                {
                    await Task.Delay(gapMs);
                }
            }

            var sent = Stopwatch.GetTimestamp();
            var (connected, tries) = ConnectUntilOpen(source, server, port, TimeSpan.FromSeconds(2));
            var opened = Stopwatch.GetTimestamp();
            knocks.ForEach(s => s.Dispose());
            if (!connected)
            {
                failures++;
                continue;
            }

            if (round < warmup)
            {
                warm.Add(Stopwatch.GetElapsedTime(sent, opened).TotalMilliseconds);
                await Task.Delay(10);
                continue;
            }

            latencies.Add(Stopwatch.GetElapsedTime(sent, opened).TotalMilliseconds);
            attempts.Add(tries);

            // The same connect again, the window being open: the handshake alone.
            var again = Stopwatch.GetTimestamp();
            if (ConnectUntilOpen(source, server, port, TimeSpan.FromSeconds(1)).Connected)
            {
                baseline.Add(Stopwatch.GetElapsedTime(again).TotalMilliseconds);
            }

            await Task.Delay(10);
        }

        if (warm.Count > 0)
        {
            Console.WriteLine($"warm-up knocks (first after the start, not counted): {string.Join(", ", warm.Select(w => $"{w:F3}"))} ms");
        }

        latencies.Sort();
        baseline.Sort();
        Console.WriteLine($"knock-to-open over {latencies.Count} knocks ({failures} never opened): "
            + $"p50 {Stats.Percentile(latencies, 50):F3} ms, p90 {Stats.Percentile(latencies, 90):F3} ms, p99 {Stats.Percentile(latencies, 99):F3} ms, max {latencies.LastOrDefault():F3} ms; "
            + $"connect tries: {attempts.Count(a => a == 1)} at the first, {attempts.Count(a => a > 1)} later (most {attempts.DefaultIfEmpty().Max()})");
        Console.WriteLine($"connect to the open port (handshake alone): p50 {Stats.Percentile(baseline, 50):F3} ms, p99 {Stats.Percentile(baseline, 99):F3} ms");
        Console.WriteLine($"p99 target < 5 ms: {(failures == 0 && Stats.Percentile(latencies, 99) < 5 ? "met" : "NOT met")}");
        return failures == 0 ? 0 : 1;
    }

    private static Socket Syn(IPAddress source, IPAddress server, int port)
    {
        var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { Blocking = false };
        socket.Bind(new IPEndPoint(source, 0));
        try
        {
            socket.Connect(server, port);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
        {
            // The SYN is on its way.
        }

        return socket;
    }

    /// <summary>
    /// Sends a fresh SYN to the port every <see cref="ProbeInterval"/> without waiting for the answers, and watches all
    /// of them at once; the first handshake that completes ends it. A refused probe is not waited for: the host answers
    /// refusals at a limited rate (NftablesOptions.RejectRatePerSecond, 200/s), so a probe that waits for its RST (or
    /// its timeout, once the limit drops the RSTs) before sending the next measures those limits, not the knock. Each
    /// wait is a sleep in the kernel (select), so the probing does not take a core from the gateway that has to open
    /// the window. At most <see cref="MaxPending"/> probes stay open; older ones are dropped.
    /// </summary>
    private static (bool Connected, int Tries) ConnectUntilOpen(IPAddress source, IPAddress server, int port, TimeSpan limit)
    {
        var start = Stopwatch.GetTimestamp();
        var tries = 0;
        var pending = new List<Socket>();
        try
        {
            while (Stopwatch.GetElapsedTime(start) < limit)
            {
                tries++;
                pending.Add(Syn(source, server, port));
                if (pending.Count > MaxPending)
                {
                    pending[0].Dispose();
                    pending.RemoveAt(0);
                }

                var writable = new List<Socket>(pending);
                Socket.Select(null, writable, null, (int)ProbeInterval.TotalMicroseconds);
                foreach (var socket in writable)
                {
                    if ((int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error)! == 0)
                    {
                        socket.LingerState = new LingerOption(true, 0);
                        return (true, tries);
                    }

                    pending.Remove(socket); // refused: done with
                    socket.Dispose();
                }
            }

            return (false, tries);
        }
        finally
        {
            pending.ForEach(s => s.Dispose());
        }
    }

    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMicroseconds(50);

    private const int MaxPending = 256;
}
