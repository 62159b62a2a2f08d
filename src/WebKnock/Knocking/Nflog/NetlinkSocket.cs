using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace WebKnock.Knocking.Nflog;

/// <summary>
/// Netlink sockets for .NET, which has no AddressFamily for them (16 is AppleTalk there): the socket is made
/// by P/Invoke and wrapped; Send and Receive work on it as on any other. No bind is needed.
/// </summary>
internal static partial class NetlinkSocket
{
    private const int AfNetlink = 16;
    private const int SockRaw = 3;
    private const int SockCloexec = 0x80000;
    private const int SolSocket = 1;
    private const int SoRcvbuf = 8;
    private const int SoRcvbufforce = 33;

    /// <summary><c>NETLINK_NETFILTER</c>.</summary>
    public const int Netfilter = 12;

    public static Socket Open(int protocol)
    {
        var fd = socket(AfNetlink, SockRaw | SockCloexec, protocol);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new SocketException(errno, $"Opening a netlink socket failed: errno {errno} ({Marshal.GetPInvokeErrorMessage(errno)}).");
        }

        return new Socket(new SafeSocketHandle(fd, ownsHandle: true));
    }

    /// <summary>Raises the receive buffer beyond rmem_max when allowed (CAP_NET_ADMIN), else as far as rmem_max.</summary>
    public static void SetReceiveBuffer(Socket socket, int bytes)
    {
        var value = BitConverter.GetBytes(bytes);
        try
        {
            socket.SetRawSocketOption(SolSocket, SoRcvbufforce, value);
        }
        catch (SocketException)
        {
            socket.SetRawSocketOption(SolSocket, SoRcvbuf, value);
        }
    }

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    private static partial int socket(int domain, int type, int protocol);
}
