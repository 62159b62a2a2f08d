using System.Net;
using System.Net.Sockets;

namespace WebKnock.NetworkTests.Agent;

/// <summary>What a client does, run inside a client namespace: knock SYNs and connection checks.</summary>
internal static class ClientTools
{
    /// <summary>Sends <paramref name="count"/> SYNs to one port at once (a flood), one socket each.</summary>
    public static async Task<int> SynAsync(string host, int port, int count)
    {
        var sockets = new List<Socket>();
        for (var i = 0; i < count; i++)
        {
            sockets.Add(SendSyn(IPAddress.Parse(host), port));
        }

        await Task.Delay(200);
        sockets.ForEach(s => s.Dispose());
        return 0;
    }

    /// <summary>One SYN to each port in order, <paramref name="gapMs"/> apart; each socket closes before it retransmits.</summary>
    public static async Task<int> KnockAsync(string host, int[] ports, int gapMs)
    {
        var address = IPAddress.Parse(host);
        foreach (var port in ports)
        {
            using var socket = SendSyn(address, port);
            await Task.Delay(gapMs);
        }

        return 0;
    }

    /// <summary>
    /// One SYN to each port in order, <paramref name="gapMs"/> apart, from the given source ports (0: the kernel picks).
    /// With <paramref name="holdMs"/> 0 each socket closes before it retransmits; otherwise every socket stays open
    /// until <paramref name="holdMs"/> after the last SYN, so that the kernel retransmits each unanswered SYN with its
    /// source port (at about 1, 3, 7 ... s). Prints the source ports used.
    /// </summary>
    public static async Task<int> KnockFromAsync(string host, int[] ports, int[] sourcePorts, int gapMs, int holdMs)
    {
        var address = IPAddress.Parse(host);
        var held = new List<Socket>();
        var used = new List<int>();
        try
        {
            for (var i = 0; i < ports.Length; i++)
            {
                var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { Blocking = false };
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                socket.Bind(new IPEndPoint(address.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, sourcePorts[i]));
                used.Add(((IPEndPoint)socket.LocalEndPoint!).Port);
                try
                {
                    socket.Connect(address, ports[i]);
                }
                catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
                {
                    // The SYN is on its way; nobody will answer it.
                }

                if (holdMs > 0)
                {
                    held.Add(socket);
                    await Task.Delay(gapMs);
                }
                else
                {
                    await Task.Delay(gapMs);
                    socket.Dispose();
                }
            }

            await Task.Delay(holdMs);
        }
        finally
        {
            held.ForEach(s => s.Dispose());
        }

        Console.WriteLine(string.Join(',', used));
        return 0;
    }

    /// <summary>Exit 0 when a connection is made (and, with <paramref name="holdMs"/>, still carries data after that long).</summary>
    public static async Task<int> ConnectAsync(string host, int port, int timeoutMs, int holdMs)
    {
        using var client = new TcpClient(IPAddress.Parse(host).AddressFamily);
        using var timeout = new CancellationTokenSource(timeoutMs);
        try
        {
            await client.ConnectAsync(IPAddress.Parse(host), port, timeout.Token);
            Console.WriteLine("connected");
            if (holdMs > 0)
            {
                await Task.Delay(holdMs);
                var stream = client.GetStream();
                await stream.WriteAsync("ping\n"u8.ToArray());
                using var echo = new CancellationTokenSource(2000);
                var buffer = new byte[16];
                var read = await stream.ReadAsync(buffer, echo.Token);
                Console.WriteLine(read > 0 ? "echoed" : "closed");
                return read > 0 ? 0 : 3;
            }

            return 0;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or IOException)
        {
            Console.WriteLine($"failed {e.GetType().Name}");
            return 1;
        }
    }

    private static Socket SendSyn(IPAddress address, int port)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { Blocking = false };
        try
        {
            socket.Connect(address, port);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
        {
            // The SYN is on its way; nobody will answer it.
        }

        return socket;
    }
}
