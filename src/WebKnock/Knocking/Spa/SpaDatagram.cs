using System.Net;

namespace WebKnock.Knocking.Spa;

/// <summary>One UDP datagram to the SPA port: who sent it (as the kernel saw it), its payload, and when.</summary>
public sealed record SpaDatagram(IPAddress Source, byte[] Payload, DateTimeOffset ReceivedAt);

/// <summary>Where the NFLOG reader (or the development listener) hands SPA datagrams; never blocks.</summary>
public interface ISpaPacketSink
{
    /// <summary>Queues the datagram; false when the queue is full (the datagram is dropped and counted).</summary>
    bool Submit(SpaDatagram datagram);
}
