using System.Buffers.Binary;
using System.Net;

namespace WebKnock.Knocking.Nflog;

/// <summary>Finds the source address and the TCP (or UDP) header in a packet that starts with its IP header.</summary>
internal static class PacketParser
{
    private const byte Tcp = 6;
    private const byte Udp = 17;
    private const int MaxExtensionHeaders = 16;

    /// <summary>Null on success, otherwise why the packet is not a usable TCP packet.</summary>
    public static string? TryParseTcp(ReadOnlySpan<byte> packet, out IPAddress? source, out int port, out TcpFlags flags)
    {
        port = 0;
        flags = TcpFlags.None;
        var failure = Locate(packet, Tcp, out source, out var tcpOffset);
        if (failure is not null)
        {
            return failure;
        }

        if (packet.Length - tcpOffset < 14)
        {
            source = null;
            return "TCP header truncated";
        }

        port = BinaryPrimitives.ReadUInt16BigEndian(packet[(tcpOffset + 2)..]);
        flags = (TcpFlags)packet[tcpOffset + 13];
        return null;
    }

    /// <summary>
    /// An SPA packet: null on success, with the source, the destination port and the UDP payload (as long as the
    /// UDP header says, cut to what was copied); otherwise why the packet is not a usable UDP packet.
    /// </summary>
    public static string? TryParseUdp(ReadOnlySpan<byte> packet, out IPAddress? source, out int port, out byte[]? payload)
    {
        port = 0;
        payload = null;
        var failure = Locate(packet, Udp, out source, out var offset);
        if (failure is not null)
        {
            return failure;
        }

        if (packet.Length - offset < 8)
        {
            source = null;
            return "UDP header truncated";
        }

        port = BinaryPrimitives.ReadUInt16BigEndian(packet[(offset + 2)..]);
        var length = BinaryPrimitives.ReadUInt16BigEndian(packet[(offset + 4)..]);
        if (length < 8)
        {
            source = null;
            return "UDP length out of bounds";
        }

        payload = packet[(offset + 8)..Math.Min(packet.Length, offset + length)].ToArray();
        return null;
    }

    private static string? Locate(ReadOnlySpan<byte> packet, byte protocol, out IPAddress? source, out int offset)
    {
        source = null;
        offset = 0;
        if (packet.IsEmpty)
        {
            return "empty payload";
        }

        switch (packet[0] >> 4)
        {
            case 4:
                if (packet.Length < 20)
                {
                    return "IPv4 header truncated";
                }

                var headerLength = (packet[0] & 0x0F) * 4;
                if (headerLength < 20 || headerLength > packet.Length)
                {
                    return "IPv4 header length out of bounds";
                }

                if (packet[9] != protocol)
                {
                    return protocol == Tcp ? "not TCP" : "not UDP";
                }

                if ((BinaryPrimitives.ReadUInt16BigEndian(packet[6..]) & 0x1FFF) != 0)
                {
                    return protocol == Tcp ? "IPv4 fragment without TCP header" : "IPv4 fragment without UDP header";
                }

                source = new IPAddress(packet[12..16]);
                offset = headerLength;
                break;
            case 6:
                var failure = WalkIPv6(packet, protocol, out offset);
                if (failure is not null)
                {
                    return failure;
                }

                source = new IPAddress(packet[8..24]);
                if (source.IsIPv4MappedToIPv6)
                {
                    source = source.MapToIPv4();
                }

                break;
            default:
                return "not IPv4 or IPv6";
        }

        return null;
    }

    private static string? WalkIPv6(ReadOnlySpan<byte> packet, byte protocol, out int offset)
    {
        offset = 40;
        if (packet.Length < 40)
        {
            return "IPv6 header truncated";
        }

        var next = packet[6];
        for (var i = 0; i < MaxExtensionHeaders; i++)
        {
            if (next == protocol)
            {
                return null;
            }

            var remaining = packet.Length - offset;
            int length;
            switch (next)
            {
                case 0 or 43 or 60 or 135: // hop-by-hop, routing, destination options, mobility
                    if (remaining < 8)
                    {
                        return "IPv6 extension header truncated";
                    }

                    length = (packet[offset + 1] + 1) * 8;
                    break;
                case 44: // fragment
                    if (remaining < 8)
                    {
                        return "IPv6 fragment header truncated";
                    }

                    if ((BinaryPrimitives.ReadUInt16BigEndian(packet[(offset + 2)..]) & 0xFFF8) != 0)
                    {
                        return protocol == Tcp ? "IPv6 fragment without TCP header" : "IPv6 fragment without UDP header";
                    }

                    length = 8;
                    break;
                case 51: // authentication header
                    if (remaining < 8)
                    {
                        return "IPv6 authentication header truncated";
                    }

                    length = (packet[offset + 1] + 2) * 4;
                    break;
                default:
                    return protocol == Tcp ? "not TCP" : "not UDP";
            }

            if (length > remaining)
            {
                return "IPv6 extension header length out of bounds";
            }

            next = packet[offset];
            offset += length;
        }

        return "too many IPv6 extension headers";
    }
}
