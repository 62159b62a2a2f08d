using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace WebKnock.NetworkTests.Agent;

/// <summary>
/// <c>synburst HOST PORT COUNT</c>: exactly COUNT SYNs to one port, as fast as sockets can be made, one socket each.
/// Each socket is closed 200 ms after its SYN at the latest, long before the kernel would retransmit it (1 s), and a
/// socket closed before any answer sends nothing more: the count of SYNs on the wire is COUNT, however slowly this
/// process runs. Prints <c>sent COUNT MS</c>.
/// </summary>
internal static class SynBurstTool
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMilliseconds(200);

    public static async Task<int> RunAsync(string host, int port, int count)
    {
        var address = IPAddress.Parse(host);
        var endpoint = new IPEndPoint(address, port);
        var open = new Queue<(Socket Socket, TimeSpan Sent)>();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            while (open.Count > 0 && watch.Elapsed - open.Peek().Sent > Lifetime)
            {
                open.Dequeue().Socket.Dispose();
            }

            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { Blocking = false };
            try
            {
                socket.Connect(endpoint);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
            {
                // The SYN is on its way.
            }

            open.Enqueue((socket, watch.Elapsed));
        }

        var elapsed = watch.ElapsedMilliseconds;
        while (open.Count > 0)
        {
            var (socket, sent) = open.Dequeue();
            var wait = Lifetime - (watch.Elapsed - sent);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            socket.Dispose();
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sent {count} {elapsed}"));
        return 0;
    }
}
