using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using WebKnock.Configuration;

namespace WebKnock.Knocking.Spa;

/// <summary>
/// Development only (in-memory backend with the loopback knock listener on, SPA enabled): receives SPA packets on
/// 127.0.0.1's SPA port and hands them to the SPA handler, as the kernel's NFLOG rule does in production.
/// </summary>
internal sealed partial class LoopbackSpaListener(ISpaPacketSink sink, IOptions<WebKnockOptions> options, TimeProvider time, ILogger<LoopbackSpaListener> logger)
    : BackgroundService
{
    /// <summary>The port it listens on once started (0 before, or when it does not run).</summary>
    public int Port { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (!o.Spa.Enabled || !o.Firewall.LoopbackKnockListener || o.Firewall.Backend != "InMemory")
        {
            return;
        }

        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, o.Spa.Port));
            Port = ((IPEndPoint)socket.LocalEndPoint!).Port;
            Listening(logger, Port);
            var buffer = new byte[2048];
            while (!stoppingToken.IsCancellationRequested)
            {
                var received = await socket.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), stoppingToken);
                sink.Submit(new SpaDatagram(((IPEndPoint)received.RemoteEndPoint).Address, buffer[..received.ReceivedBytes], time.GetUtcNow()));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (SocketException e)
        {
            ListenFailed(logger, e);
        }
    }

    [LoggerMessage(9310, LogLevel.Warning, "Development SPA listener on 127.0.0.1:{Port} (UDP): not for production")]
    private static partial void Listening(ILogger logger, int port);

    [LoggerMessage(9311, LogLevel.Error, "Development SPA listener could not listen")]
    private static partial void ListenFailed(ILogger logger, Exception exception);
}
