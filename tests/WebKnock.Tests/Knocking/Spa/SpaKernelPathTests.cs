using System.Buffers.Binary;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WebKnock.Configuration;
using WebKnock.Firewall.Nftables;
using WebKnock.Firewall.Nftables.Tests;
using WebKnock.Knocking.Nflog;
using WebKnock.Knocking.Nflog.Tests;

namespace WebKnock.Knocking.Spa.Tests;

/// <summary>The path from the kernel: the SPA rules, the NFLOG copy range, and the reader handing payloads over.</summary>
public sealed class SpaKernelPathTests
{
    [Theory]
    [InlineData("198.51.100.2")]
    [InlineData("2001:db8::2")]
    public void An_spa_packet_from_nflog_reaches_the_sink_with_its_whole_payload(string source)
    {
        var sink = new Sink();
        var reader = new NflogKnockSource(new NoKnocks(), Options.Create(new WebKnockOptions().ApplyDefaults()), TimeProvider.System, NullLogger<NflogKnockSource>.Instance, sink);
        var payload = SpaFixtures.Bytes("access-443");
        var big = Enumerable.Repeat((byte)'A', 1400).ToArray();

        reader.ProcessDatagram(NflogMessages.Packet(NflogPrefix.Spa, Udp(source, 62201, payload)));
        reader.ProcessDatagram(NflogMessages.Packet(NflogPrefix.Spa, Udp(source, 62201, big)));

        Assert.Equal(2, sink.Items.Count);
        Assert.Equal(IPAddress.Parse(source), sink.Items[0].Source);
        Assert.Equal(payload, sink.Items[0].Payload);
        Assert.Equal(big, sink.Items[1].Payload);
        Assert.Equal(0, reader.Malformed);
    }

    [Fact]
    public void A_tcp_packet_under_the_spa_prefix_is_malformed_not_a_payload()
    {
        var sink = new Sink();
        var reader = new NflogKnockSource(new NoKnocks(), Options.Create(new WebKnockOptions().ApplyDefaults()), TimeProvider.System, NullLogger<NflogKnockSource>.Instance, sink);

        reader.ProcessDatagram(NflogMessages.Packet(NflogPrefix.Spa, NflogMessages.IPv4("198.51.100.2", NflogMessages.Tcp(62201, TcpFlags.Syn))));
        reader.ProcessDatagram(NflogMessages.Packet(NflogPrefix.Spa, Udp("198.51.100.2", 62201, [])[..25]));

        Assert.Empty(sink.Items);
        Assert.Equal(2, reader.Malformed);
    }

    [Fact]
    public void The_reader_asks_the_kernel_for_a_whole_1500_byte_packet()
    {
        var config = NflogReader.BuildConfig(7300, 1);

        Assert.True(NflogReader.CopyRange >= 1500);
        Assert.True(config.AsSpan().IndexOf(BitConverter.GetBytes(BinaryPrimitives.ReverseEndianness(NflogReader.CopyRange))) > 0);
    }

    [Fact]
    public void The_input_chain_jumps_to_the_spa_chain_before_the_blocked_drop_and_the_chain_ends_as_a_closed_port()
    {
        var table = Builder(enabled: true).BuildTable();
        var lines = table.Split('\n').Select(l => l.Trim()).ToList();

        var jump = lines.IndexOf("udp dport 62201 jump spa");
        Assert.True(jump > 0, table);
        var input = lines.IndexOf("chain input {");
        Assert.True(jump > input && jump < lines.IndexOf("ip saddr @blocked4 ct state new drop", input), table);
        Assert.True(jump < lines.IndexOf("ip6 saddr @blocked6 ct state new drop", input), table);
        var chain = lines.IndexOf("chain spa {");
        Assert.Contains("log prefix \"wk:spa\" group 7300", lines[chain + 3], StringComparison.Ordinal);
        Assert.Equal("goto closed_port", lines[chain + 4]);
        Assert.Equal("}", lines[chain + 5]);
        Assert.Contains("add @spa_rate4 { ip saddr limit rate over 5/second burst 10 packets } goto closed_port", lines);
        Assert.Contains("add @spa_rate6 { ip6 saddr limit rate over 5/second burst 10 packets } goto closed_port", lines);
    }

    [Fact]
    public void Disabled_spa_writes_no_rule()
    {
        var table = Builder(enabled: false).BuildTable();

        Assert.DoesNotContain("jump spa", table, StringComparison.Ordinal);
        Assert.DoesNotContain("wk:spa", table, StringComparison.Ordinal);
        Assert.DoesNotContain("spa_rate", table, StringComparison.Ordinal);
    }

    [NftCheckFact]
    public void The_spa_ruleset_loads()
    {
        var (exitCode, errors) = NftCheck.Check(Builder(enabled: true).BuildLoad([]));

        Assert.True(exitCode == 0, errors);
    }

    private static RulesetBuilder Builder(bool enabled)
    {
        var options = RulesetBuilderTests.Options();
        options.Spa.Enabled = enabled;
        return new RulesetBuilder(options, new NftablesOptions());
    }

    internal static byte[] Udp(string source, int port, byte[] payload)
    {
        var udp = new byte[8 + payload.Length];
        BinaryPrimitives.WriteUInt16BigEndian(udp, 40000);
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(2), (ushort)port);
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(4), (ushort)udp.Length);
        payload.CopyTo(udp, 8);
        if (!source.Contains(':', StringComparison.Ordinal))
        {
            return NflogMessages.IPv4(source, udp, protocol: 17);
        }

        var packet = NflogMessages.IPv6(source, udp);
        packet[6] = 17;
        return packet;
    }

    private sealed class Sink : ISpaPacketSink
    {
        public List<SpaDatagram> Items { get; } = [];

        public bool Submit(SpaDatagram datagram)
        {
            Items.Add(datagram);
            return true;
        }
    }

    private sealed class NoKnocks : IKnockEventSink
    {
        public void Publish(KnockEvent knockEvent) => throw new InvalidOperationException("an SPA packet is not a knock event");
    }
}
