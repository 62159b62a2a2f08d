using System.Net;
using System.Text.Json;

namespace WebKnock.Firewall.Nftables;

/// <summary>
/// Reads the JSON of <c>list set</c>: an element with a timeout is <c>{"elem": {"val": "192.0.2.7", "timeout": 90,
/// "expires": 88}}</c> (whole seconds, truncated), one using the set's default timeout has only <c>expires</c>,
/// one without timeout is a bare string. Values that are not single addresses are skipped.
/// </summary>
internal static class NftSetListing
{
    public static IReadOnlyList<FirewallElement> Parse(string json)
    {
        var elements = new List<FirewallElement>();
        if (string.IsNullOrWhiteSpace(json))
        {
            return elements;
        }

        using var document = JsonDocument.Parse(json);
        if (!document.RootElement.TryGetProperty("nftables", out var items) || items.ValueKind != JsonValueKind.Array)
        {
            return elements;
        }

        foreach (var item in items.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Object
                && item.TryGetProperty("set", out var set)
                && set.TryGetProperty("elem", out var elems)
                && elems.ValueKind == JsonValueKind.Array)
            {
                foreach (var elem in elems.EnumerateArray())
                {
                    if (TryRead(elem) is { } element)
                    {
                        elements.Add(element);
                    }
                }
            }
        }

        return elements;
    }

    /// <summary>
    /// Every set in a JSON listing (of a table, or of sets) by name, with its elements; a set listed without
    /// elements (empty, or a terse listing) maps to an empty list.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<FirewallElement>> ParseSets(string json)
    {
        var sets = new Dictionary<string, IReadOnlyList<FirewallElement>>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(json))
        {
            return sets;
        }

        using var document = JsonDocument.Parse(json);
        if (!document.RootElement.TryGetProperty("nftables", out var items) || items.ValueKind != JsonValueKind.Array)
        {
            return sets;
        }

        foreach (var item in items.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("set", out var set)
                || !set.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
            {
                continue;
            }

            var elements = new List<FirewallElement>();
            if (set.TryGetProperty("elem", out var elems) && elems.ValueKind == JsonValueKind.Array)
            {
                foreach (var elem in elems.EnumerateArray())
                {
                    if (TryRead(elem) is { } element)
                    {
                        elements.Add(element);
                    }
                }
            }

            sets[name.GetString()!] = elements;
        }

        return sets;
    }

    /// <summary>
    /// The networks of an interval set's listing: <c>{"elem": {"val": {"prefix": {"addr": "198.51.100.0", "len": 24}},
    /// "timeout": 600, "expires": 598}}</c>; a /32 or /128 comes back as a bare address value (<c>"val": "198.51.100.7"</c>);
    /// elements without timeout lack the <c>elem</c> wrapper. Ranges that are not prefixes are skipped.
    /// </summary>
    public static IReadOnlyList<FirewallNetwork> ParseNetworks(string json)
        => [.. ParseNetworkSets(json).Values.SelectMany(v => v)];

    /// <summary>Every set in a JSON listing by name, with its elements read as networks (see <see cref="ParseNetworks"/>).</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<FirewallNetwork>> ParseNetworkSets(string json)
    {
        var sets = new Dictionary<string, IReadOnlyList<FirewallNetwork>>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(json))
        {
            return sets;
        }

        using var document = JsonDocument.Parse(json);
        if (!document.RootElement.TryGetProperty("nftables", out var items) || items.ValueKind != JsonValueKind.Array)
        {
            return sets;
        }

        foreach (var item in items.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("set", out var set)
                || !set.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
            {
                continue;
            }

            var networks = new List<FirewallNetwork>();
            if (set.TryGetProperty("elem", out var elems) && elems.ValueKind == JsonValueKind.Array)
            {
                foreach (var elem in elems.EnumerateArray())
                {
                    if (elem.ValueKind == JsonValueKind.Object && elem.TryGetProperty("elem", out var inner) && inner.ValueKind == JsonValueKind.Object)
                    {
                        if (inner.TryGetProperty("val", out var val) && TryReadNetwork(val) is { } network)
                        {
                            networks.Add(new FirewallNetwork(network, Seconds(inner, "expires") ?? Seconds(inner, "timeout")));
                        }
                    }
                    else if (TryReadNetwork(elem) is { } bare)
                    {
                        networks.Add(new FirewallNetwork(bare, null));
                    }
                }
            }

            sets[name.GetString()!] = networks;
        }

        return sets;
    }

    private static IPNetwork? TryReadNetwork(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            return NftAddress.TryParse(value.GetString(), out var address) ? new IPNetwork(address, address.GetAddressBytes().Length * 8) : null;
        }

        if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("prefix", out var prefix) && prefix.ValueKind == JsonValueKind.Object
            && prefix.TryGetProperty("addr", out var addr) && addr.ValueKind == JsonValueKind.String && NftAddress.TryParse(addr.GetString(), out var baseAddress)
            && prefix.TryGetProperty("len", out var len) && len.ValueKind == JsonValueKind.Number && len.TryGetInt32(out var length)
            && length >= 0 && length <= baseAddress.GetAddressBytes().Length * 8)
        {
            // Host bits set: not a network nft would list (IPNetwork would clear them silently).
            return Windows.NetworkWindowInput.Mask(baseAddress, length).Equals(baseAddress) ? new IPNetwork(baseAddress, length) : null;
        }

        return null;
    }

    private static FirewallElement? TryRead(JsonElement elem)
    {
        if (elem.ValueKind == JsonValueKind.String)
        {
            return NftAddress.TryParse(elem.GetString(), out var bare) ? new FirewallElement(bare, null) : null;
        }

        if (elem.ValueKind != JsonValueKind.Object || !elem.TryGetProperty("elem", out var inner) || inner.ValueKind != JsonValueKind.Object
            || !inner.TryGetProperty("val", out var val) || val.ValueKind != JsonValueKind.String
            || !NftAddress.TryParse(val.GetString(), out var address))
        {
            return null;
        }

        TimeSpan? remaining = null;
        if (Seconds(inner, "expires") is { } expires)
        {
            remaining = expires;
        }
        else if (Seconds(inner, "timeout") is { } timeout)
        {
            remaining = timeout;
        }

        return new FirewallElement(address, remaining);
    }

    private static TimeSpan? Seconds(JsonElement inner, string name)
        => inner.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var seconds) && seconds >= 0
            ? TimeSpan.FromSeconds(seconds)
            : null;
}
