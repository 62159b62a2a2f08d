using System.Net;

namespace WebKnock.Knocking.Nflog;

/// <summary>One packet logged by an NFLOG rule, reduced to what a knock needs.</summary>
/// <param name="Prefix">The log prefix of the rule (<see cref="NflogPrefix"/>).</param>
/// <param name="Timestamp">When the kernel saw the packet; null when the kernel sent no timestamp.</param>
/// <param name="Source">The packet's source, IPv4-mapped IPv6 as IPv4.</param>
/// <param name="DestinationPort">The TCP destination port.</param>
/// <param name="Flags">The TCP flags.</param>
/// <param name="Sequence">The instance's sequence number, when the kernel numbers messages.</param>
/// <param name="UdpPayload">For an SPA packet (<see cref="NflogPrefix.Spa"/>), the UDP payload; null otherwise.</param>
internal sealed record NflogRecord(string Prefix, DateTimeOffset? Timestamp, IPAddress Source, int DestinationPort, TcpFlags Flags, uint? Sequence, byte[]? UdpPayload = null);

/// <summary>A parsed record, or why there is none.</summary>
internal readonly record struct NflogParseResult(NflogRecord? Record, string? Failure)
{
    public bool Success => Record is not null;

    public static NflogParseResult Fail(string failure) => new(null, failure);
}
