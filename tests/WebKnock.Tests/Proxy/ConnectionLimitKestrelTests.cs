using System.Net.Security;
using System.Net.Sockets;
using WebKnock.Tests.Admin.Browser;

namespace WebKnock.Tests.Proxy;

/// <summary>WebKnock:Network:MaxConnectionsPerAddress on the real Kestrel with TLS: the connection over the limit gets no handshake.</summary>
public sealed class ConnectionLimitKestrelTests
{
    [Fact]
    public async Task The_connection_over_the_limit_is_closed_before_TLS_and_counted_and_a_freed_place_is_taken_again()
    {
        await using var gateway = new KestrelGateway(new() { ["WebKnock:Network:MaxConnectionsPerAddress"] = "3" });
        gateway.Start();
        var port = gateway.BaseAddress.Port;

        var held = new List<SslStream>();
        for (var i = 0; i < 3; i++)
        {
            held.Add(await HandshakeAsync(port));
        }

        // The fourth: TCP is accepted by the kernel, then Kestrel closes it without a TLS answer.
        var refused = await Record.ExceptionAsync(() => HandshakeAsync(port));
        Assert.True(refused is IOException or SocketException or System.Security.Authentication.AuthenticationException, $"the fourth handshake: {refused?.GetType().Name ?? "succeeded"}");

        // One of the three ends: a new connection gets its place (once Kestrel has seen the close; slower on a busy machine).
        await held[0].DisposeAsync();
        held[0] = await UntilAsync(() => HandshakeAsync(port), "no connection was accepted after one of the three ended");

        // Counted in /metrics (served to loopback), which needs a connection of its own: end one first.
        await held[1].DisposeAsync();
        var metrics = await UntilAsync(() => GetMetricsAsync(gateway), "/metrics never answered after a place was freed");
        var refusals = metrics.Split('\n').Single(l => l.StartsWith("webknock_connections_refused_total", StringComparison.Ordinal));
        Assert.True(int.Parse(refusals.Split(' ')[1]) >= 1, refusals);

        await held[0].DisposeAsync();
        await held[2].DisposeAsync();
    }

    /// <summary>Tries until it succeeds, for up to 20 s; a refused connection (reset, closed, no handshake) or request is tried again.</summary>
    private static async Task<T> UntilAsync<T>(Func<Task<T>> attempt, string failure)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            try
            {
                return await attempt();
            }
            catch (Exception ex) when (ex is IOException or SocketException or System.Security.Authentication.AuthenticationException or HttpRequestException && DateTime.UtcNow < until)
            {
                await Task.Delay(50);
            }
            catch (Exception ex) when (ex is IOException or SocketException or System.Security.Authentication.AuthenticationException or HttpRequestException)
            {
                throw new Xunit.Sdk.XunitException($"{failure}: {ex.Message}");
            }
        }
    }

    private static async Task<SslStream> HandshakeAsync(int port)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(System.Net.IPAddress.Loopback, port);
        var ssl = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (_, _, _, _) => true);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "127.0.0.1" }, timeout.Token);
            return ssl;
        }
        catch
        {
            await ssl.DisposeAsync();
            throw;
        }
    }

    private static async Task<string> GetMetricsAsync(KestrelGateway gateway)
    {
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
        using var http = new HttpClient(handler) { BaseAddress = gateway.BaseAddress };
        return await http.GetStringAsync("/metrics");
    }
}
