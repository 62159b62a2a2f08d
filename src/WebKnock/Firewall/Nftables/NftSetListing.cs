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
    /// <summary>The elements of every set in the listing, read as single addresses.</summary>
    public static IReadOnlyList<FirewallElement> Parse(string json) => [.. ReadSets(json, TryRead).SelectMany(s => s.Elements)];

    /// <summary>
    /// Every set in a JSON listing (of a table, or of sets) by name, with its elements; a set listed without
    /// elements (empty, or a terse listing) maps to an empty list.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<FirewallElement>> ParseSets(string json) => ByName(ReadSets(json, TryRead));

    /// <summary>
    /// The networks of an interval set's listing: <c>{"elem": {"val": {"prefix": {"addr": "198.51.100.0", "len": 24}},
    /// "timeout": 600, "expires": 598}}</c>; a /32 or /128 comes back as a bare address value (<c>"val": "198.51.100.7"</c>);
    /// elements without timeout lack the <c>elem</c> wrapper. Ranges that are not prefixes are skipped.
    /// </summary>
    public static IReadOnlyList<FirewallNetwork> ParseNetworks(string json) => [.. ReadSets(json, TryReadNetworkElement).SelectMany(s => s.Elements)];

    /// <summary>Every set in a JSON listing by name, with its elements read as networks (see <see cref="ParseNetworks"/>).</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<FirewallNetwork>> ParseNetworkSets(string json) => ByName(ReadSets(json, TryReadNetworkElement));

    /// <summary>Each set object of the listing in order, with its name (null when it has none) and the elements <paramref name="read"/> accepts.</summary>
    private static List<(string? Name, List<T> Elements)> ReadSets<T>(string json, Func<JsonElement, T?> read)
        where T : class
    {
        var sets = new List<(string? Name, List<T> Elements)>();
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
            if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("set", out var set))
            {
                continue;
            }

            var elements = new List<T>();
            if (set.TryGetProperty("elem", out var elems) && elems.ValueKind == JsonValueKind.Array)
            {
                foreach (var elem in elems.EnumerateArray())
                {
                    if (read(elem) is { } element)
                    {
                        elements.Add(element);
                    }
                }
            }

            var name = set.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
            sets.Add((name, elements));
        }

        return sets;
    }

    private static Dictionary<string, IReadOnlyList<T>> ByName<T>(List<(string? Name, List<T> Elements)> sets)
    {
        var byName = new Dictionary<string, IReadOnlyList<T>>(StringComparer.Ordinal);
        foreach (var (name, elements) in sets)
        {
            if (name is not null)
            {
                byName[name] = elements;
            }
        }

        return byName;
    }

    /// <summary>One element of an interval set: a network with its time left, or a bare network without timeout.</summary>
    private static FirewallNetwork? TryReadNetworkElement(JsonElement elem)
    {
        if (elem.ValueKind == JsonValueKind.Object && elem.TryGetProperty("elem", out var inner) && inner.ValueKind == JsonValueKind.Object)
        {
            return inner.TryGetProperty("val", out var val) && TryReadNetwork(val) is { } network
                ? new FirewallNetwork(network, Seconds(inner, "expires") ?? Seconds(inner, "timeout"))
                : null;
        }

        return TryReadNetwork(elem) is { } bare ? new FirewallNetwork(bare, null) : null;
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
