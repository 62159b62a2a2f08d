using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace WebKnock.Bench.SlowClients;

/// <summary>One normal request: when it started, how long it took, its status (0 when it got no answer) or error.</summary>
public sealed record ProbeRequest(TimeSpan Started, TimeSpan Elapsed, int Status, string? Error)
{
    public bool Succeeded => Status is >= 200 and < 400;
}

/// <summary>
/// A well-behaved client that keeps asking while something else happens: GET requests at a fixed rate, started on
/// schedule whether or not the previous one has finished (a stalled server shows as failures and latency, not as
/// fewer requests), each on a new connection (<c>Connection: close</c>) so that every one needs the server to accept
/// a connection, finish a TLS handshake and read headers. HTTP/1.1; certificates are not checked.
/// </summary>
public static class NormalProbe
{
    public static async Task<IReadOnlyList<ProbeRequest>> RunAsync(Uri target, TimeSpan duration, double perSecond, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var handler = new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
            PooledConnectionLifetime = TimeSpan.Zero,
            ConnectTimeout = timeout,
            AutomaticDecompression = DecompressionMethods.None,
        };
        using var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        var results = new ConcurrentBag<ProbeRequest>();
        var clock = Stopwatch.StartNew();
        var count = (int)Math.Max(1, Math.Round(duration.TotalSeconds * perSecond));
        var requests = new List<Task>(count);
        for (var i = 0; i < count; i++)
        {
            var due = TimeSpan.FromSeconds(i / perSecond);
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken);
            }

            requests.Add(OneAsync(client, target, clock, timeout, results, cancellationToken));
        }

        await Task.WhenAll(requests);
        return [.. results.OrderBy(r => r.Started)];
    }

    private static async Task OneAsync(HttpClient client, Uri target, Stopwatch clock, TimeSpan timeout, ConcurrentBag<ProbeRequest> results, CancellationToken cancellationToken)
    {
        var started = clock.Elapsed;
        using var request = new HttpRequestMessage(HttpMethod.Get, target)
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.ConnectionClose = true;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, limit.Token);
            results.Add(new ProbeRequest(started, clock.Elapsed - started, (int)response.StatusCode, null));
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException or System.Net.Sockets.SocketException)
        {
            // A socket error can escape HttpClient itself: a connection closed by the server as soon as it was accepted
            // (the gateway's per-address limit) fails asking for the remote end point.
            var error = e is OperationCanceledException ? $"no answer within {timeout.TotalSeconds:0.#} s" : e.GetBaseException().Message;
            results.Add(new ProbeRequest(started, clock.Elapsed - started, 0, error));
        }
    }
}
