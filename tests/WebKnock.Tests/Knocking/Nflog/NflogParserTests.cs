using System.Net;

namespace WebKnock.Knocking.Nflog.Tests;

public sealed class NflogParserTests
{
    private static readonly DateTimeOffset Time = new DateTimeOffset(2025, 3, 4, 5, 6, 7, TimeSpan.Zero).AddTicks(1234560);

    [Fact]
    public void Parses_an_IPv4_syn_with_timestamp_and_sequence()
    {
        var message = NflogMessages.Packet("wk:step:webmail:1", NflogMessages.IPv4("192.0.2.10", NflogMessages.Tcp(7000, TcpFlags.Syn)), Time, sequence: 42);

        var result = NflogParser.Parse(message);

        Assert.True(result.Success, result.Failure);
        var record = result.Record!;
        Assert.Equal("wk:step:webmail:1", record.Prefix);
        Assert.Equal(IPAddress.Parse("192.0.2.10"), record.Source);
        Assert.Equal(7000, record.DestinationPort);
        Assert.Equal(TcpFlags.Syn, record.Flags);
        Assert.Equal(Time, record.Timestamp);
        Assert.Equal(42u, record.Sequence);
    }

    [Theory]
    [InlineData(0, 8)]
    [InlineData(60, 16)]
    [InlineData(43, 24)]
    [InlineData(51, 12)]
    [InlineData(44, 8)]
    public void Parses_IPv6_through_an_extension_header(byte type, int length)
    {
        var payload = NflogMessages.IPv6("2001:db8::10", NflogMessages.Tcp(8000, TcpFlags.Syn | TcpFlags.Ece | TcpFlags.Cwr), (type, length));

        var result = NflogParser.Parse(NflogMessages.Packet("wk:open:webmail", payload, Time));

        Assert.True(result.Success, result.Failure);
        Assert.Equal(IPAddress.Parse("2001:db8::10"), result.Record!.Source);
        Assert.Equal(8000, result.Record.DestinationPort);
        Assert.Equal(TcpFlags.Syn | TcpFlags.Ece | TcpFlags.Cwr, result.Record.Flags);
    }

    [Fact]
    public void Parses_IPv6_through_several_extension_headers()
    {
        var payload = NflogMessages.IPv6("2001:db8::11", NflogMessages.Tcp(9000, TcpFlags.Syn), (0, 8), (60, 8), (44, 8));

        var result = NflogParser.Parse(NflogMessages.Packet("wk:wrong:webmail", payload));

        Assert.True(result.Success, result.Failure);
        Assert.Equal(9000, result.Record!.DestinationPort);
    }

    [Fact]
    public void A_missing_timestamp_is_null_not_a_failure()
    {
        var result = NflogParser.Parse(NflogMessages.Packet("wk:drop:webmail", NflogMessages.IPv4("192.0.2.10", NflogMessages.Tcp(443, TcpFlags.Syn))));

        Assert.True(result.Success, result.Failure);
        Assert.Null(result.Record!.Timestamp);
        Assert.Null(result.Record.Sequence);
    }

    [Fact]
    public void An_IPv4_mapped_source_becomes_IPv4()
    {
        var result = NflogParser.Parse(NflogMessages.Packet("wk:scan", NflogMessages.IPv6("::ffff:192.0.2.12", NflogMessages.Tcp(22, TcpFlags.Syn))));

        Assert.Equal(IPAddress.Parse("192.0.2.12"), result.Record!.Source);
    }

    public static TheoryData<string, byte[]> Bad => new()
    {
        { "empty", [] },
        { "short", new byte[12] },
        { "udp", NflogMessages.Packet("wk:scan", NflogMessages.IPv4("192.0.2.10", new byte[8], protocol: 17)) },
        { "fragment", NflogMessages.Packet("wk:scan", NflogMessages.IPv4("192.0.2.10", NflogMessages.Tcp(1, TcpFlags.Syn), fragment: 10)) },
        { "truncated tcp", NflogMessages.Packet("wk:scan", NflogMessages.IPv4("192.0.2.10", new byte[10])) },
        { "ipv6 esp", NflogMessages.Packet("wk:scan", NflogMessages.IPv6("2001:db8::10", NflogMessages.Tcp(1, TcpFlags.Syn), (50, 8))) },
        { "ipv6 later fragment", NflogMessages.Packet("wk:scan", FragmentWithOffset()) },
        { "ipv9", NflogMessages.Packet("wk:scan", [0x90, .. new byte[40]]) },
        { "no payload", NoPayload() },
        { "length beyond buffer", LengthBeyond() },
        { "attribute beyond message", AttributeBeyond() },
        { "bad timestamp", BadTimestamp() },
    };

    [Theory]
    [MemberData(nameof(Bad))]
    public void Bad_messages_give_a_reason(string name, byte[] message)
    {
        var result = NflogParser.Parse(message);

        Assert.False(result.Success, name);
        Assert.False(string.IsNullOrEmpty(result.Failure));
    }

    private static byte[] FragmentWithOffset()
    {
        var packet = NflogMessages.IPv6("2001:db8::10", NflogMessages.Tcp(1, TcpFlags.Syn), (44, 8));
        packet[40 + 3] = 0x08; // fragment offset 1 (in 8-byte units)
        return packet;
    }

    private static byte[] NoPayload()
    {
        var message = NflogMessages.Packet("wk:scan", NflogMessages.IPv4("192.0.2.10", NflogMessages.Tcp(1, TcpFlags.Syn)));
        for (var offset = 20; offset + 4 <= message.Length;)
        {
            var length = BitConverter.ToUInt16(message, offset);
            if (message[offset + 2] == 9)
            {
                message[offset + 2] = 99; // an attribute type the parser does not know
            }

            offset += (length + 3) & ~3;
        }

        return message;
    }

    private static byte[] LengthBeyond()
    {
        var message = NflogMessages.Packet("wk:scan", NflogMessages.IPv4("192.0.2.10", NflogMessages.Tcp(1, TcpFlags.Syn)));
        BitConverter.TryWriteBytes(message.AsSpan(0, 4), message.Length + 100);
        return message;
    }

    private static byte[] AttributeBeyond()
    {
        var message = NflogMessages.Packet("wk:scan", NflogMessages.IPv4("192.0.2.10", NflogMessages.Tcp(1, TcpFlags.Syn)));
        BitConverter.TryWriteBytes(message.AsSpan(20, 2), (ushort)2000);
        return message;
    }

    private static byte[] BadTimestamp()
    {
        var message = NflogMessages.Packet("wk:scan", NflogMessages.IPv4("192.0.2.10", NflogMessages.Tcp(1, TcpFlags.Syn)), Time);
        message[20 + 8 + 4] = 0xFF; // seconds far beyond year 9999
        return message;
    }
}
