using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace WebKnock.NetworkTests.Agent;

/// <summary>
/// Relays byte streams between two endpoints, each <c>tcp:HOST:PORT</c> or <c>unix:PATH</c>. Network namespaces do
/// not separate file-system Unix sockets, so two relays joined by one socket file carry a TCP connection from one
/// namespace's loopback to another's: that is how a gateway in a test namespace reaches the Roundcube that Apache
/// serves on the root namespace's 127.0.0.1:8080 (see <c>GatewayScenario.StartRoundcubeAsync</c>). Disposing stops
/// listening and closes every relayed connection.
/// </summary>
public sealed class SocketRelay : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly EndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _open = [];
    private readonly Task _accepting;
    private readonly string? _socketFile;

    private SocketRelay(Socket listener, EndPoint target, string? socketFile)
    {
        _listener = listener;
        _target = target;
        _socketFile = socketFile;
        _accepting = AcceptAsync();
    }

    /// <summary>Connections relayed so far.</summary>
    public int Connections { get; private set; }

    /// <summary>Listens on <paramref name="listen"/> and relays each accepted connection to <paramref name="target"/>.</summary>
    public static SocketRelay Start(string listen, string target)
    {
        var endpoint = Parse(listen);
        var socketFile = endpoint is UnixDomainSocketEndPoint ? listen[5..] : null;
        if (socketFile is not null && File.Exists(socketFile))
        {
            File.Delete(socketFile);
        }

        var socket = NewSocket(endpoint);
        try
        {
            if (endpoint is IPEndPoint)
            {
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            }

            socket.Bind(endpoint);
            socket.Listen(64);
            return new SocketRelay(socket, Parse(target), socketFile);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary><c>relay LISTEN TARGET</c>: relays until stdin closes (the test ends) and prints <c>listening</c> once ready.</summary>
    public static async Task<int> RunAsync(string listen, string target)
    {
        await using var relay = Start(listen, target);
        Console.WriteLine("listening");
        await Console.In.ReadToEndAsync();
        return 0;
    }

    public static EndPoint Parse(string text)
    {
        if (text.StartsWith("unix:", StringComparison.Ordinal))
        {
            return new UnixDomainSocketEndPoint(text[5..]);
        }

        if (text.StartsWith("tcp:", StringComparison.Ordinal))
        {
            var cut = text.LastIndexOf(':');
            return new IPEndPoint(IPAddress.Parse(text[4..cut].Trim('[', ']')), int.Parse(text[(cut + 1)..], CultureInfo.InvariantCulture));
        }

        throw new FormatException($"Not tcp:HOST:PORT or unix:PATH: {text}");
    }

    private static Socket NewSocket(EndPoint endpoint) => endpoint is UnixDomainSocketEndPoint
        ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
        : new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var inbound = await _listener.AcceptAsync(_stop.Token);
                Connections++;
                _ = RelayAsync(inbound);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    private async Task RelayAsync(Socket inbound)
    {
        var outbound = NewSocket(_target);
        lock (_open)
        {
            _open.Add(inbound);
            _open.Add(outbound);
        }

        try
        {
            using var connect = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            connect.CancelAfter(TimeSpan.FromSeconds(5));
            await outbound.ConnectAsync(_target, connect.Token);
            await using var a = new NetworkStream(inbound, ownsSocket: false);
            await using var b = new NetworkStream(outbound, ownsSocket: false);

            // When one direction ends, its end of the other socket is shut down (a half-close, as HTTP clients use),
            // and the relay waits for the other direction.
            await Task.WhenAll(CopyAsync(a, outbound), CopyAsync(b, inbound));
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
        }
        finally
        {
            lock (_open)
            {
                _open.Remove(inbound);
                _open.Remove(outbound);
            }

            inbound.Dispose();
            outbound.Dispose();
        }

        async Task CopyAsync(NetworkStream from, Socket to)
        {
            try
            {
                await using var destination = new NetworkStream(to, ownsSocket: false);
                await from.CopyToAsync(destination, _stop.Token);
                to.Shutdown(SocketShutdown.Send);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
            {
                inbound.Dispose();
                outbound.Dispose();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _accepting;
        lock (_open)
        {
            _open.ForEach(s => s.Dispose());
        }

        if (_socketFile is not null)
        {
            File.Delete(_socketFile);
        }

        _stop.Dispose();
    }
}
