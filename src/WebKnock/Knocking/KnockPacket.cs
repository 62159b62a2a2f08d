using System.Net;

namespace WebKnock.Knocking;

[Flags]
public enum TcpFlags : byte
{
    None = 0,
    Fin = 0x01,
    Syn = 0x02,
    Rst = 0x04,
    Psh = 0x08,
    Ack = 0x10,
    Urg = 0x20,
    Ece = 0x40,
    Cwr = 0x80,
}

/// <summary>
/// A TCP packet seen at a knock port (source, destination port, flags, and the source port when known: 0 means
/// unknown, and such a packet is never taken for a retransmission, see <see cref="KnockRetransmissions"/>).
/// </summary>
public readonly record struct KnockPacket(IPAddress Source, int DestinationPort, TcpFlags Flags, int SourcePort = 0)
{
    /// <summary>The kernel rule's test: <c>tcp flags &amp; (fin|syn|rst|ack) == syn</c>.</summary>
    public bool IsPureSyn => (Flags & (TcpFlags.Fin | TcpFlags.Syn | TcpFlags.Rst | TcpFlags.Ack)) == TcpFlags.Syn;
}
