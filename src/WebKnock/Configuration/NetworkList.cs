using System.Net;

namespace WebKnock.Configuration;

/// <summary>A parsed list of addresses and networks (CIDR), for trusted proxies and always-allowed networks.</summary>
public sealed class NetworkList
{
    private readonly IPNetwork[] _networks;

    private NetworkList(IPNetwork[] networks) => _networks = networks;

    public static NetworkList Empty { get; } = new([]);

    public IReadOnlyList<IPNetwork> Networks => _networks;

    /// <summary>Parses "192.0.2.7", "192.0.2.0/24" or "2001:db8::/32"; returns the first bad entry's index.</summary>
    public static bool TryParse(IEnumerable<string> entries, out NetworkList list, out int badIndex)
    {
        var parsed = new List<IPNetwork>();
        badIndex = -1;
        var i = 0;
        foreach (var entry in entries)
        {
            if (!TryParseOne(entry, out var network))
            {
                badIndex = i;
                list = Empty;
                return false;
            }

            parsed.Add(network);
            i++;
        }

        list = new NetworkList([.. parsed]);
        return true;
    }

    public static NetworkList Parse(IEnumerable<string> entries) =>
        TryParse(entries, out var list, out var bad) ? list : throw new FormatException($"Bad network at index {bad}.");

    public bool Contains(IPAddress address)
    {
        address = Normalize(address);
        foreach (var network in _networks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are the IPv4 address they carry.</summary>
    public static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private static bool TryParseOne(string entry, out IPNetwork network)
    {
        network = default;
        var text = entry.Trim();
        if (text.Length == 0)
        {
            return false;
        }

        if (!text.Contains('/'))
        {
            if (!IPAddress.TryParse(text, out var address))
            {
                return false;
            }

            address = Normalize(address);
            network = new IPNetwork(address, address.GetAddressBytes().Length * 8);
            return true;
        }

        return IPNetwork.TryParse(text, out network);
    }
}
