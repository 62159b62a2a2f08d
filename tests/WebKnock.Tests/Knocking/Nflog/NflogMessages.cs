using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace WebKnock.Knocking.Nflog.Tests;

/// <summary>Builds NFLOG packet messages as the kernel sends them.</summary>
internal static class NflogMessages
{
    public static byte[] Packet(string prefix, byte[] payload, DateTimeOffset? timestamp = null, uint? sequence = null, ushort group = 7300)
    {
        var body = new List<byte>();
        body.AddRange(Attribute(1, [0x08, 0x00, 2, 0])); // PACKET_HDR: hw_protocol, hook
        if (timestamp is { } t)
        {
            var value = new byte[16];
            BinaryPrimitives.WriteUInt64BigEndian(value, (ulong)t.ToUnixTimeSeconds());
            BinaryPrimitives.WriteUInt64BigEndian(value.AsSpan(8), (ulong)(t.Ticks % TimeSpan.TicksPerSecond / 10));
            body.AddRange(Attribute(3, value));
        }

        body.AddRange(Attribute(4, [0, 0, 0, 2])); // IFINDEX_INDEV
        body.AddRange(Attribute(9, payload));
        body.AddRange(Attribute(10, [.. Encoding.ASCII.GetBytes(prefix), 0]));
        if (sequence is { } s)
        {
            var value = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(value, s);
            body.AddRange(Attribute(12, value));
        }

        var message = new byte[20 + body.Count];
        BinaryPrimitives.WriteUInt32LittleEndian(message, (uint)message.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(4), 0x0400);
        message[16] = 2; // AF_INET
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(18), group);
        body.CopyTo(message, 20);
        return message;
    }

    public static byte[] Attribute(ushort type, byte[] value)
    {
        var attribute = new byte[(4 + value.Length + 3) & ~3];
        BinaryPrimitives.WriteUInt16LittleEndian(attribute, (ushort)(4 + value.Length));
        BinaryPrimitives.WriteUInt16LittleEndian(attribute.AsSpan(2), type);
        value.CopyTo(attribute, 4);
        return attribute;
    }

    public static byte[] Tcp(int port, TcpFlags flags)
    {
        var tcp = new byte[20];
        BinaryPrimitives.WriteUInt16BigEndian(tcp, 40000);
        BinaryPrimitives.WriteUInt16BigEndian(tcp.AsSpan(2), (ushort)port);
        tcp[12] = 5 << 4;
        tcp[13] = (byte)flags;
        return tcp;
    }

    public static byte[] IPv4(string source, byte[] tcp, byte protocol = 6, ushort fragment = 0)
    {
        var header = new byte[20];
        header[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), (ushort)(20 + tcp.Length));
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(6), fragment);
        header[8] = 64;
        header[9] = protocol;
        IPAddress.Parse(source).GetAddressBytes().CopyTo(header, 12);
        IPAddress.Parse("192.0.2.1").GetAddressBytes().CopyTo(header, 16);
        return [.. header, .. tcp];
    }

    /// <summary>An IPv6 packet; <paramref name="extensions"/> are (type, length in bytes) headers before TCP.</summary>
    public static byte[] IPv6(string source, byte[] tcp, params (byte Type, int Length)[] extensions)
    {
        var header = new byte[40];
        header[0] = 0x60;
        header[6] = extensions.Length > 0 ? extensions[0].Type : (byte)6;
        header[7] = 64;
        IPAddress.Parse(source).GetAddressBytes().CopyTo(header, 8);
        IPAddress.Parse("2001:db8::1").GetAddressBytes().CopyTo(header, 24);
        var packet = new List<byte>(header);
        for (var i = 0; i < extensions.Length; i++)
        {
            var extension = new byte[extensions[i].Length];
            extension[0] = i + 1 < extensions.Length ? extensions[i + 1].Type : (byte)6;
            extension[1] = (byte)(extensions[i].Type == 51 ? extensions[i].Length / 4 - 2 : extensions[i].Length / 8 - 1);
            packet.AddRange(extension);
        }

        packet.AddRange(tcp);
        return [.. packet];
    }
}
