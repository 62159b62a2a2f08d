using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Microsoft.Extensions.DependencyInjection;
using WebKnock.Knocking;
using WebKnock.Operations;
using WebKnock.Tests.Admin.Browser;
using WebKnock.Windows;

namespace WebKnock.Tests.Proxy;

/// <summary>
/// No TLS for strangers, on the real Kestrel with TLS and the in-memory backend (which lets every connection reach
/// Kestrel): 127.0.0.1 without a window gets not one byte back, neither offering HTTP/1.1 nor HTTP/2; with a window it
/// gets the handshake and answers over both.
/// </summary>
public sealed class StrangerConnectionsKestrelTests
{
    private static Dictionary<string, string?> Settings() => new()
    {
        // Loopback is the default operations network, which passes; here it must be a stranger.
        ["WebKnock:Operations:Networks:0"] = "192.0.2.50/32",
        ["WebKnock:Network:WindowWait"] = "00:00:00.2",
    };

    [Fact]
    public async Task A_stranger_gets_no_ServerHello_over_HTTP1_or_HTTP2_and_an_open_address_gets_the_handshake_and_answers()
    {
        await using var gateway = new KestrelGateway(Settings());
        gateway.Start();
        var port = gateway.BaseAddress.Port;

        foreach (var alpn in new[] { SslApplicationProtocol.Http11, SslApplicationProtocol.Http2 })
        {
            var stranger = await HandshakeAsync(port, alpn);
            Assert.NotNull(stranger.Error);
            Assert.Equal(0, stranger.Received); // closed before a ServerHello, so no certificate either
        }

        using (var http = Client(gateway, HttpVersion.Version20))
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync("/.webknock/status"));
        }

        Assert.True(Counted(gateway) >= 3, $"webknock_strangers_refused_total {Counted(gateway)}");

        var windows = gateway.Services.GetRequiredService<AccessWindowManager>();
        await windows.OpenForAsync(ServiceNames.Webmail, IPAddress.Loopback, TimeSpan.FromMinutes(5), WindowReason.Administrator, CancellationToken.None);

        foreach (var alpn in new[] { SslApplicationProtocol.Http11, SslApplicationProtocol.Http2 })
        {
            var open = await HandshakeAsync(port, alpn);
            Assert.Null(open.Error);
            Assert.True(open.Received > 0);
            Assert.Equal(alpn, open.Protocol);
        }

        foreach (var version in new[] { HttpVersion.Version11, HttpVersion.Version20 })
        {
            using var http = Client(gateway, version);
            using var response = await http.GetAsync("/.webknock/status");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(version, response.Version);
        }
    }

    [Fact]
    public async Task A_connection_made_before_the_window_is_known_goes_on_once_it_opens()
    {
        var settings = Settings();
        settings["WebKnock:Network:WindowWait"] = "00:00:05";
        await using var gateway = new KestrelGateway(settings);
        gateway.Start();
        var windows = gateway.Services.GetRequiredService<AccessWindowManager>();

        var handshake = HandshakeAsync(gateway.BaseAddress.Port, SslApplicationProtocol.Http2);
        await Task.Delay(300);
        Assert.False(handshake.IsCompleted);
        await windows.OpenForAsync(ServiceNames.Webmail, IPAddress.Loopback, TimeSpan.FromMinutes(5), WindowReason.Administrator, CancellationToken.None);

        var result = await handshake.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Null(result.Error);
        Assert.Equal(SslApplicationProtocol.Http2, result.Protocol);
        Assert.Equal(0, Counted(gateway));
    }

    private static double Counted(KestrelGateway gateway)
        => double.Parse(gateway.Services.GetRequiredService<MetricsScrape>().Scrape().Split('\n')
            .Single(l => l.StartsWith("webknock_strangers_refused_total ", StringComparison.Ordinal)).Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);

    private static HttpClient Client(KestrelGateway gateway, Version version)
    {
        var handler = new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } };
        return new HttpClient(handler)
        {
            BaseAddress = gateway.BaseAddress,
            DefaultRequestVersion = version,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromSeconds(10),
        };
    }

    /// <summary>A TLS handshake offering <paramref name="alpn"/>: how many bytes the server sent, the failure if any, the protocol agreed.</summary>
    private static async Task<(long Received, Exception? Error, SslApplicationProtocol Protocol)> HandshakeAsync(int port, SslApplicationProtocol alpn)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        var counting = new CountingStream(tcp.GetStream());
        await using var ssl = new SslStream(counting, leaveInnerStreamOpen: false, (_, _, _, _) => true);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "127.0.0.1", ApplicationProtocols = [alpn] }, timeout.Token);
            return (counting.Received, null, ssl.NegotiatedApplicationProtocol);
        }
        catch (Exception e) when (e is IOException or SocketException or AuthenticationException)
        {
            return (counting.Received, e, default);
        }
    }

    /// <summary>Passes everything through and counts the bytes read from the server.</summary>
    private sealed class CountingStream(Stream inner) : Stream
    {
        private long _received;

        public long Received => Interlocked.Read(ref _received);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            => Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.WriteAsync(buffer, offset, count, cancellationToken);

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private int Count(int n)
        {
            Interlocked.Add(ref _received, n);
            return n;
        }
    }
}
