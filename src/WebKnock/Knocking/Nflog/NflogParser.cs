using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace WebKnock.Knocking.Nflog;

/// <summary>
/// Parses one NFLOG packet message (nlmsghdr, nfgenmsg, attributes) into a <see cref="NflogRecord"/>. Every
/// length is checked against the bytes actually there; bad input gives a failure reason, never an exception.
/// </summary>
internal static class NflogParser
{
    /// <summary>NFNL_SUBSYS_ULOG &lt;&lt; 8 | NFULNL_MSG_PACKET.</summary>
    public const ushort PacketMessageType = 0x0400;
    public const ushort AttrTimestamp = 3;
    public const ushort AttrPayload = 9;
    public const ushort AttrPrefix = 10;
    public const ushort AttrSeq = 12;
    private const int AttributesOffset = NetlinkMessages.HeaderLength + 4;
    private const int MaxPrefixLength = 128;
    private const long MaxUnixSeconds = 253_402_300_799;

    public static NflogParseResult Parse(ReadOnlySpan<byte> message)
    {
        if (message.Length < AttributesOffset)
        {
            return NflogParseResult.Fail("message shorter than its headers");
        }

        var length = BinaryPrimitives.ReadUInt32LittleEndian(message);
        if (length < AttributesOffset || length > (uint)message.Length)
        {
            return NflogParseResult.Fail("message length out of bounds");
        }

        if (NetlinkMessages.Type(message) != PacketMessageType)
        {
            return NflogParseResult.Fail("not an NFLOG packet message");
        }

        string? prefix = null;
        DateTimeOffset? timestamp = null;
        uint? sequence = null;
        var payload = ReadOnlySpan<byte>.Empty;
        var hasPayload = false;
        var attributes = message[AttributesOffset..(int)length];
        while (attributes.Length > 0)
        {
            if (attributes.Length < 4)
            {
                return NflogParseResult.Fail("attribute header truncated");
            }

            var attributeLength = BinaryPrimitives.ReadUInt16LittleEndian(attributes);
            var type = (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(attributes[2..]) & 0x3FFF);
            if (attributeLength < 4 || attributeLength > attributes.Length)
            {
                return NflogParseResult.Fail("attribute length out of bounds");
            }

            var value = attributes[4..attributeLength];
            switch (type)
            {
                case AttrPrefix:
                    var end = value.IndexOf((byte)0);
                    var text = end < 0 ? value : value[..end];
                    if (text.Length > MaxPrefixLength)
                    {
                        return NflogParseResult.Fail("prefix too long");
                    }

                    prefix = Encoding.ASCII.GetString(text);
                    break;
                case AttrTimestamp:
                    if (value.Length < 16)
                    {
                        return NflogParseResult.Fail("timestamp truncated");
                    }

                    var seconds = BinaryPrimitives.ReadUInt64BigEndian(value);
                    var micros = BinaryPrimitives.ReadUInt64BigEndian(value[8..]);
                    if (seconds > MaxUnixSeconds || micros >= 1_000_000)
                    {
                        return NflogParseResult.Fail("timestamp out of range");
                    }

                    timestamp = DateTimeOffset.FromUnixTimeSeconds((long)seconds).AddTicks((long)micros * 10);
                    break;
                case AttrPayload:
                    payload = value;
                    hasPayload = true;
                    break;
                case AttrSeq when value.Length >= 4:
                    sequence = BinaryPrimitives.ReadUInt32BigEndian(value);
                    break;
            }

            attributes = attributes[Math.Min(NetlinkMessages.Align(attributeLength), attributes.Length)..];
        }

        if (prefix is null)
        {
            return NflogParseResult.Fail("no prefix");
        }

        if (!hasPayload)
        {
            return NflogParseResult.Fail("no payload");
        }

        if (prefix == NflogPrefix.Spa)
        {
            var udpFailure = PacketParser.TryParseUdp(payload, out var udpSource, out var udpPort, out var udpPayload);
            return udpFailure is null
                ? new NflogParseResult(new NflogRecord(prefix, timestamp, udpSource!, udpPort, TcpFlags.None, sequence, udpPayload), null)
                : NflogParseResult.Fail(udpFailure);
        }

        var failure = PacketParser.TryParseTcp(payload, out var source, out var port, out var flags);
        return failure is null
            ? new NflogParseResult(new NflogRecord(prefix, timestamp, source!, port, flags, sequence), null)
            : NflogParseResult.Fail(failure);
    }
}
