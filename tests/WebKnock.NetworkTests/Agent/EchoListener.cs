using System.Net;
using System.Net.Sockets;

namespace WebKnock.NetworkTests.Agent;

/// <summary>A TCP echo server on both families, standing in for the protected service.</summary>
internal sealed class EchoListener : IDisposable
{
    private readonly TcpListener _listener;

    private EchoListener(int port)
    {
        _listener = new TcpListener(IPAddress.IPv6Any, port);
        _listener.Server.DualMode = true;
        _listener.Start();
        _ = AcceptAsync();
    }

    public static EchoListener Start(int port) => new(port);

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync();
                _ = EchoAsync(client);
            }
        }
        catch (Exception e) when (e is ObjectDisposedException or SocketException)
        {
        }
    }

    private static async Task EchoAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var buffer = new byte[1024];
                int read;
                while ((read = await stream.ReadAsync(buffer)) > 0)
                {
                    await stream.WriteAsync(buffer.AsMemory(0, read));
                }
            }
            catch (IOException)
            {
            }
        }
    }

    public void Dispose() => _listener.Stop();
}
