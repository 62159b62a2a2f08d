using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace WebKnock.NetworkTests.Agent;

/// <summary>
/// <c>hold HOST PORT PATH MAX_MS</c>: one HTTPS/1.1 keep-alive connection, as a browser keeps one. It asks for
/// PATH, prints <c>ready UNIX_MS STATUS BODY</c>, then asks again on the same connection every 250 ms. When the
/// connection ends (the server closed or reset it) or stops carrying data (no answer within 1.5 s, as when the
/// kernel drops its packets), it prints <c>cut UNIX_MS REASON</c> with the time the failing probe was sent (so at
/// most 250 ms after the cut) and exits 0. Never cut within MAX_MS: prints <c>alive UNIX_MS</c> and exits 3.
/// </summary>
internal static class HoldTool
{
    private static readonly TimeSpan ProbeEvery = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan AnswerWithin = TimeSpan.FromMilliseconds(1500);

    public static async Task<int> RunAsync(string host, int port, string path, int maxMs)
    {
        var address = IPAddress.Parse(host);
        using var client = new TcpClient(address.AddressFamily);
        try
        {
            using (var connect = new CancellationTokenSource(5000))
            {
                await client.ConnectAsync(address, port, connect.Token);
            }

            await using var tls = new SslStream(client.GetStream(), false, (_, _, _, _) => true);
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "webknock.test",
                ApplicationProtocols = [SslApplicationProtocol.Http11],
            });
            var hostHeader = address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
            var request = Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: {hostHeader}\r\nAccept: application/json\r\nConnection: keep-alive\r\n\r\n");
            var reader = new ResponseReader(tls);

            var (status, body) = await AskAsync(tls, reader, request, TimeSpan.FromSeconds(10));
            Console.WriteLine($"ready {Now()} {status} {body}");
            if (status != 200)
            {
                return 4;
            }

            var watch = Stopwatch.StartNew();
            while (watch.ElapsedMilliseconds < maxMs)
            {
                await Task.Delay(ProbeEvery);
                var sent = Now();
                try
                {
                    (status, _) = await AskAsync(tls, reader, request, AnswerWithin);
                    if (status != 200)
                    {
                        Console.WriteLine($"cut {sent} status-{status}");
                        return 0;
                    }
                }
                catch (TimeoutException)
                {
                    Console.WriteLine($"cut {sent} no-answer");
                    return 0;
                }
                catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or EndOfStreamException)
                {
                    Console.WriteLine($"cut {sent} {e.GetType().Name}");
                    return 0;
                }
            }

            Console.WriteLine($"alive {Now()}");
            return 3;
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or TimeoutException or EndOfStreamException or System.Security.Authentication.AuthenticationException)
        {
            Console.WriteLine($"failed {Now()} {e.GetType().Name} {e.Message.ReplaceLineEndings(" ")}");
            return 1;
        }
    }

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private static async Task<(int Status, string Body)> AskAsync(SslStream tls, ResponseReader reader, byte[] request, TimeSpan within)
    {
        using var cancel = new CancellationTokenSource(within);
        try
        {
            await tls.WriteAsync(request, cancel.Token);
            await tls.FlushAsync(cancel.Token);
            return await reader.ReadAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException();
        }
    }

    /// <summary>Reads one HTTP/1.1 response: status line, headers, then a Content-Length or chunked body.</summary>
    private sealed class ResponseReader(Stream stream)
    {
        private readonly byte[] _buffer = new byte[16384];
        private int _start;
        private int _end;

        public async Task<(int Status, string Body)> ReadAsync(CancellationToken cancellationToken)
        {
            var statusLine = await ReadLineAsync(cancellationToken);
            var status = int.Parse(statusLine.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
            int? length = null;
            var chunked = false;
            while (await ReadLineAsync(cancellationToken) is { Length: > 0 } header)
            {
                var colon = header.IndexOf(':');
                var name = header[..colon].Trim();
                var value = header[(colon + 1)..].Trim();
                if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    length = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
                }
                else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) && value.Contains("chunked", StringComparison.OrdinalIgnoreCase))
                {
                    chunked = true;
                }
            }

            var body = new StringBuilder();
            if (chunked)
            {
                while (true)
                {
                    var size = Convert.ToInt32((await ReadLineAsync(cancellationToken)).Split(';')[0].Trim(), 16);
                    if (size == 0)
                    {
                        while ((await ReadLineAsync(cancellationToken)).Length > 0)
                        {
                        }

                        break;
                    }

                    body.Append(await ReadBytesAsync(size, cancellationToken));
                    await ReadLineAsync(cancellationToken);
                }
            }
            else if (length is { } n)
            {
                body.Append(await ReadBytesAsync(n, cancellationToken));
            }

            return (status, body.ToString());
        }

        private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
                if (newline >= 0)
                {
                    var line = Encoding.ASCII.GetString(_buffer, _start, newline - _start).TrimEnd('\r');
                    _start = newline + 1;
                    return line;
                }

                await FillAsync(cancellationToken);
            }
        }

        private async Task<string> ReadBytesAsync(int count, CancellationToken cancellationToken)
        {
            var text = new StringBuilder();
            while (count > 0)
            {
                if (_start == _end)
                {
                    await FillAsync(cancellationToken);
                }

                var take = Math.Min(count, _end - _start);
                text.Append(Encoding.UTF8.GetString(_buffer, _start, take));
                _start += take;
                count -= take;
            }

            return text.ToString();
        }

        private async Task FillAsync(CancellationToken cancellationToken)
        {
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            if (_end == _buffer.Length)
            {
                throw new IOException("Response line too long.");
            }

            var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            if (read == 0)
            {
                throw new EndOfStreamException("The server closed the connection.");
            }

            _end += read;
        }
    }
}
