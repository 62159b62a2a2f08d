using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace WebKnock.Tests.Events.Geo;

/// <summary>
/// Writes a small MaxMind DB (format 2.0: IPv6 tree with 24-bit records, data section, metadata) so
/// that the reader is tested on real files without shipping a database. IPv4 networks go under ::/96,
/// where readers look for IPv4 addresses in an IPv6 tree. Networks must not overlap.
/// </summary>
internal static class MmdbWriter
{
    private sealed class Node
    {
        public readonly object?[] Children = new object?[2]; // Node, int (data index) or null
    }

    public static byte[] Write(IEnumerable<(string Network, object Record)> entries, string databaseType)
    {
        var root = new Node();
        var records = new List<object>();
        foreach (var (network, record) in entries)
        {
            records.Add(record);
            Insert(root, IPNetwork.Parse(network), records.Count - 1);
        }

        var nodes = Number(root);
        var data = new MemoryStream();
        var offsets = records.Select(r => { var at = (int)data.Length; Encode(data, r); return at; }).ToArray();

        var output = new MemoryStream();
        foreach (var node in nodes)
        {
            foreach (var child in node.Children)
            {
                var value = child switch
                {
                    Node n => nodes.IndexOf(n),
                    int index => nodes.Count + 16 + offsets[index],
                    _ => nodes.Count,
                };
                output.Write([(byte)(value >> 16), (byte)(value >> 8), (byte)value]);
            }
        }

        output.Write(new byte[16]);
        data.WriteTo(output);
        output.Write([0xAB, 0xCD, 0xEF]);
        output.Write(Encoding.ASCII.GetBytes("MaxMind.com"));
        Encode(output, new Dictionary<string, object>
        {
            ["binary_format_major_version"] = (ushort)2,
            ["binary_format_minor_version"] = (ushort)0,
            ["build_epoch"] = (ulong)1_700_000_000,
            ["database_type"] = databaseType,
            ["description"] = new Dictionary<string, object> { ["en"] = "WebKnock test database" },
            ["ip_version"] = (ushort)6,
            ["languages"] = new object[] { "en" },
            ["node_count"] = (uint)nodes.Count,
            ["record_size"] = (ushort)24,
        });
        return output.ToArray();
    }

    private static void Insert(Node root, IPNetwork network, int dataIndex)
    {
        var bytes = new byte[16];
        var prefix = network.PrefixLength;
        var address = network.BaseAddress.GetAddressBytes();
        if (address.Length == 4)
        {
            address.CopyTo(bytes, 12);
            prefix += 96;
        }
        else
        {
            address.CopyTo(bytes, 0);
        }

        var bits = BinaryPrimitives.ReadUInt128BigEndian(bytes);
        var node = root;
        for (var depth = 0; depth < prefix; depth++)
        {
            var bit = (int)((bits >> (127 - depth)) & 1);
            if (depth == prefix - 1)
            {
                node.Children[bit] = dataIndex;
            }
            else
            {
                node = (Node)(node.Children[bit] ??= new Node());
            }
        }
    }

    private static List<Node> Number(Node root)
    {
        var order = new List<Node> { root };
        for (var i = 0; i < order.Count; i++)
        {
            order.AddRange(order[i].Children.OfType<Node>());
        }

        return order;
    }

    private static void Encode(Stream output, object value)
    {
        switch (value)
        {
            case string text:
                var utf8 = Encoding.UTF8.GetBytes(text);
                Control(output, 2, utf8.Length);
                output.Write(utf8);
                break;
            case ushort u16:
                Unsigned(output, 5, u16);
                break;
            case uint u32:
                Unsigned(output, 6, u32);
                break;
            case ulong u64:
                Unsigned(output, 9, u64);
                break;
            case Dictionary<string, object> map:
                Control(output, 7, map.Count);
                foreach (var (key, item) in map)
                {
                    Encode(output, key);
                    Encode(output, item);
                }

                break;
            case object[] array:
                Control(output, 11, array.Length);
                foreach (var item in array)
                {
                    Encode(output, item);
                }

                break;
            default:
                throw new NotSupportedException(value.GetType().Name);
        }
    }

    private static void Unsigned(Stream output, int type, ulong value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        var significant = bytes.SkipWhile(b => b == 0).ToArray();
        Control(output, type, significant.Length);
        output.Write(significant);
    }

    private static void Control(Stream output, int type, int size)
    {
        var (sizeBits, extra) = size switch
        {
            < 29 => (size, Array.Empty<byte>()),
            < 285 => (29, [(byte)(size - 29)]),
            < 65_821 => (30, [(byte)((size - 285) >> 8), (byte)(size - 285)]),
            _ => (31, new[] { (byte)((size - 65_821) >> 16), (byte)((size - 65_821) >> 8), (byte)(size - 65_821) }),
        };
        output.WriteByte((byte)(((type <= 7 ? type : 0) << 5) | sizeBits));
        if (type > 7)
        {
            output.WriteByte((byte)(type - 7));
        }

        output.Write(extra);
    }
}
