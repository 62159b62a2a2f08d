using System.Buffers.Binary;
using System.Net.Sockets;

namespace WebKnock.Knocking.Nflog;

/// <summary>
/// A socket bound to one NFLOG group in copy-packet mode, with events delivered at once (queue threshold 1,
/// flush timeout 10 ms) and numbered (so losses are counted). Only the group is bound: the old
/// PF_UNBIND/PF_BIND commands would change the namespace's default logger for good, and are never sent.
/// </summary>
internal sealed class NflogReader : IDisposable
{
    private const ushort ConfigMessageType = (4 << 8) | 1; // NFNL_SUBSYS_ULOG, NFULNL_MSG_CONFIG
    private const ushort FlagRequest = 1;
    private const ushort FlagAck = 4;
    private const ushort CfgCmd = 1;
    private const ushort CfgMode = 2;
    private const ushort CfgTimeout = 4;
    private const ushort CfgQthresh = 5;
    private const ushort CfgFlags = 6;
    private const byte CmdBind = 1;
    private const byte CopyPacket = 2;
    private const ushort FlagSeq = 1;
    // Enough for a whole 1500-byte packet: an SPA packet's payload is read from the copy (a knock SYN needs 60 bytes).
    internal const uint CopyRange = 1600;

    private readonly Socket _socket;

    private NflogReader(Socket socket) => _socket = socket;

    /// <summary>Binds <paramref name="group"/>. A group that another socket holds fails with EPERM.</summary>
    public static NflogReader Open(int group, int receiveBuffer = 2 * 1024 * 1024)
    {
        var socket = NetlinkSocket.Open(NetlinkSocket.Netfilter);
        try
        {
            NetlinkSocket.SetReceiveBuffer(socket, receiveBuffer);
            socket.Send(BuildConfig((ushort)group, sequence: 1));
            WaitForAck(socket, sequence: 1, group);
            return new NflogReader(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Receives one datagram (one or more netlink messages). ENOBUFS surfaces as a SocketException.</summary>
    public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        => _socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);

    /// <summary>
    /// Receives one datagram, blocking the calling thread for at most <paramref name="timeout"/>; returns false when
    /// nothing came in that time. Closing the socket from another thread does not end a blocked receive on Linux (and
    /// .NET's dispose waits for it), so a reader that must stop polls its token between waits.
    /// </summary>
    public bool TryReceive(Span<byte> buffer, TimeSpan timeout, out int received)
    {
        var milliseconds = (int)timeout.TotalMilliseconds;
        if (_socket.ReceiveTimeout != milliseconds)
        {
            _socket.ReceiveTimeout = milliseconds;
        }

        try
        {
            received = _socket.Receive(buffer, SocketFlags.None);
            return true;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
        {
            received = 0;
            return false;
        }
    }

    public void Dispose() => _socket.Dispose();

    internal static byte[] BuildConfig(ushort group, uint sequence)
    {
        var message = new byte[64];
        var length = 20;
        length = Attribute(message, length, CfgCmd, [CmdBind]);
        Span<byte> mode = stackalloc byte[6];
        BinaryPrimitives.WriteUInt32BigEndian(mode, CopyRange);
        mode[4] = CopyPacket;
        length = Attribute(message, length, CfgMode, mode);
        Span<byte> one = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(one, 1);
        length = Attribute(message, length, CfgQthresh, one);
        length = Attribute(message, length, CfgTimeout, one);
        Span<byte> flags = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(flags, FlagSeq);
        length = Attribute(message, length, CfgFlags, flags);

        BinaryPrimitives.WriteUInt32LittleEndian(message, (uint)length);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(4), ConfigMessageType);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(6), FlagRequest | FlagAck);
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(8), sequence);
        message[16] = 0; // nfgenmsg: AF_UNSPEC, version 0, res_id = group (big-endian)
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(18), group);
        return message[..length];
    }

    private static int Attribute(Span<byte> message, int offset, ushort type, ReadOnlySpan<byte> value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(message[offset..], (ushort)(4 + value.Length));
        BinaryPrimitives.WriteUInt16LittleEndian(message[(offset + 2)..], type);
        value.CopyTo(message[(offset + 4)..]);
        return offset + NetlinkMessages.Align(4 + value.Length);
    }

    private static void WaitForAck(Socket socket, uint sequence, int group)
    {
        var buffer = new byte[8192];
        socket.ReceiveTimeout = 2000;
        try
        {
            while (true)
            {
                var received = socket.Receive(buffer);
                var offset = 0;
                while (NetlinkMessages.TryNext(buffer.AsSpan(0, received), ref offset, out var message, out _))
                {
                    if (NetlinkMessages.Type(message) != NetlinkMessages.Error || message.Length < 20
                        || BinaryPrimitives.ReadUInt32LittleEndian(message[8..]) != sequence)
                    {
                        continue; // a packet logged before the ack: lost to the reader, as before it listened
                    }

                    var error = -BinaryPrimitives.ReadInt32LittleEndian(message[16..]);
                    if (error == 0)
                    {
                        return;
                    }

                    throw new SocketException(error, error == 1
                        ? $"NFLOG group {group} is bound by another socket (EPERM), or CAP_NET_ADMIN is missing."
                        : $"Binding NFLOG group {group} failed: errno {error}.");
                }
            }
        }
        finally
        {
            socket.ReceiveTimeout = 0;
        }
    }
}
