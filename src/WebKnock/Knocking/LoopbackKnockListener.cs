using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using WebKnock.Configuration;

namespace WebKnock.Knocking;

/// <summary>
/// Development only: listens on the knock ports on loopback and counts each accepted connection as a
/// pure SYN to that port. It is not stealthy (the ports answer) and sees only local clients; production
/// uses the kernel rules and NFLOG.
/// </summary>
internal sealed partial class LoopbackKnockListener(InMemoryKnockSensor sensor, IOptions<WebKnockOptions> options, ILogger<LoopbackKnockListener> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var firewall = options.Value.Firewall;
        if (!firewall.LoopbackKnockListener || firewall.Backend != "InMemory")
        {
            return;
        }

        var listeners = new List<TcpListener>();
        try
        {
            var totp = sensor.TotpPorts.ToArray();
            if (totp.Length > MaxTotpListeners)
            {
                TotpRangeTooLarge(logger, totp.Length, MaxTotpListeners);
                totp = [];
            }

            foreach (var port in sensor.KnockPorts.Concat(totp).Distinct())
            {
                var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                listeners.Add(listener);
                Listening(logger, port);
            }

            await Task.WhenAll(listeners.Select(l => AcceptLoopAsync(l, stoppingToken)));
        }
        catch (SocketException ex)
        {
            ListenFailed(logger, ex);
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }

    private async Task AcceptLoopAsync(TcpListener listener, CancellationToken stoppingToken)
    {
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        while (!stoppingToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptSocketAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            // An accepted connection is never retransmitted, but its source port keeps the detector's rule exact.
            var remote = (IPEndPoint)client.RemoteEndPoint!;
            client.Close(0);
            await sensor.ObserveAsync(new KnockPacket(remote.Address, port, TcpFlags.Syn, remote.Port), stoppingToken);
        }
    }

    /// <summary>A development TOTP range is listened on whole only up to this size (one socket a port).</summary>
    private const int MaxTotpListeners = 2048;

    [LoggerMessage(9404, LogLevel.Warning, "Development knock listener: the TOTP range has {Count} ports, more than the {Max} it listens on; configure a smaller WebKnock:Webmail:Knock:Totp range for development")]
    private static partial void TotpRangeTooLarge(ILogger logger, int count, int max);

    [LoggerMessage(1100, LogLevel.Warning, "Development knock listener on 127.0.0.1:{Port}: not stealthy, not for production")]
    private static partial void Listening(ILogger logger, int port);

    [LoggerMessage(1101, LogLevel.Error, "Development knock listener could not listen")]
    private static partial void ListenFailed(ILogger logger, Exception exception);
}
