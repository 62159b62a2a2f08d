using System.Globalization;
using System.Text;
using System.Text.Json;
using WebKnock.Configuration;
using WebKnock.Firewall;
using WebKnock.Firewall.Nftables;

namespace WebKnock.Cli;

/// <summary>What <c>webknock firewall show</c> prints after the table: its sets read into windows, blocks and networks.</summary>
internal sealed partial class FirewallCommand
{
    /// <summary>Open windows and network windows per service, blocked and flood-banned addresses, always-allowed networks.</summary>
    internal string Summarize(INftRunner nft, WebKnockOptions options, string table, int shown)
    {
        var json = nft.Run($"list table inet {table}", json: true);
        var sets = NftSetListing.ParseSets(json);
        var networkSets = NftSetListing.ParseNetworkSets(json);
        var text = new StringBuilder();
        var now = _time.GetUtcNow();
        text.Append(CultureInfo.InvariantCulture, $"Summary of table inet {table} at {now:yyyy-MM-dd HH:mm:ss} UTC\n");

        var configured = new List<(string Name, ServiceOptions Service)> { (NftService.Webmail, options.Webmail) };
        if (options.Ssh is not null)
        {
            configured.Add((NftService.Ssh, options.Ssh));
        }

        var loaded = sets.Keys
            .Where(name => name.EndsWith("_allow4", StringComparison.Ordinal) || name.EndsWith("_allow6", StringComparison.Ordinal))
            .Select(name => name[..^"_allow4".Length])
            .Distinct()
            .ToList();
        foreach (var name in configured.Select(c => c.Name).Union(loaded))
        {
            var service = configured.FirstOrDefault(c => c.Name == name).Service;
            text.Append(CultureInfo.InvariantCulture, $"{name}: ");
            text.Append(service is null
                ? "in the table, but not in this configuration"
                : $"protected port {string.Join(", ", service.ProtectedPorts)}, knock {string.Join(" ", service.Knock.Ports)}, window {Duration(service.Window)}");
            text.Append('\n');
            if (!loaded.Contains(name))
            {
                text.Append("  not in the loaded table: the gateway adds it when it next starts\n");
                continue;
            }

            List(text, "open windows", Elements(sets, NftNames.Allow(name)), shown);
            var networks = "46".SelectMany(suffix => networkSets.TryGetValue(NftNames.Networks(name) + suffix, out var n) ? n : []).ToList();
            List(text, "open network windows", [.. networks.Select(n => (NftAddress.FormatNetwork(n.Network), n.Remaining))], shown);
        }

        List(text, "blocked from everything", Elements(sets, NftNames.Blocked), shown);
        List(text, "ignored at the knock ports after a flood", Elements(sets, NftNames.KnockBan), shown);
        var always = AlwaysAllowed(json);
        text.Append("always allowed: ").Append(always.Count == 0 ? "none" : string.Join(", ", always)).Append('\n');
        return text.ToString();
    }

    private static List<FirewallElement> Elements(IReadOnlyDictionary<string, IReadOnlyList<FirewallElement>> sets, string name)
        => [.. "46".SelectMany(suffix => sets.TryGetValue(name + suffix, out var elements) ? elements : [])];

    private static void List(StringBuilder text, string title, List<FirewallElement> elements, int shown)
        => List(text, title, [.. elements.Select(e => (e.Address.ToString(), e.Remaining))], shown);

    private static void List(StringBuilder text, string title, List<(string Value, TimeSpan? Remaining)> elements, int shown)
    {
        text.Append(CultureInfo.InvariantCulture, $"  {title}: {(elements.Count == 0 ? "none" : elements.Count.ToString(CultureInfo.InvariantCulture))}\n");
        foreach (var element in elements.OrderBy(e => e.Remaining ?? TimeSpan.MaxValue).Take(shown))
        {
            var left = element.Remaining is { } r ? $"{TimeLeft(r)} left" : "no timeout";
            text.Append(CultureInfo.InvariantCulture, $"    {element.Value,-40} {left}\n");
        }

        if (elements.Count > shown)
        {
            text.Append(CultureInfo.InvariantCulture, $"    ... and {elements.Count - shown} more (--all lists them)\n");
        }
    }

    /// <summary>The networks of the always-allowed interval sets: prefixes, ranges or single addresses.</summary>
    private static List<string> AlwaysAllowed(string json)
    {
        var networks = new List<string>();
        using var document = JsonDocument.Parse(json);
        if (!document.RootElement.TryGetProperty("nftables", out var items) || items.ValueKind != JsonValueKind.Array)
        {
            return networks;
        }

        foreach (var item in items.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("set", out var set) || !set.TryGetProperty("name", out var name)
                || name.GetString() is not (NftNames.Always + "4" or NftNames.Always + "6")
                || !set.TryGetProperty("elem", out var elems) || elems.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            foreach (var elem in elems.EnumerateArray())
            {
                if (elem.ValueKind == JsonValueKind.String)
                {
                    networks.Add(elem.GetString()!);
                }
                else if (elem.ValueKind == JsonValueKind.Object && elem.TryGetProperty("prefix", out var prefix)
                    && prefix.TryGetProperty("addr", out var addr) && prefix.TryGetProperty("len", out var len))
                {
                    networks.Add($"{addr.GetString()}/{len.GetInt32().ToString(CultureInfo.InvariantCulture)}");
                }
                else if (elem.ValueKind == JsonValueKind.Object && elem.TryGetProperty("range", out var range) && range.GetArrayLength() == 2)
                {
                    networks.Add($"{range[0].GetString()}-{range[1].GetString()}");
                }
            }
        }

        return networks;
    }

    /// <summary>1:02:03 or 2:03.</summary>
    internal static string TimeLeft(TimeSpan left)
        => left >= TimeSpan.FromHours(1)
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)left.TotalHours}:{left.Minutes:00}:{left.Seconds:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{left.Minutes}:{left.Seconds:00}");

    /// <summary>30m, 1m, 2s, 1h30m.</summary>
    internal static string Duration(TimeSpan duration)
    {
        var text = new StringBuilder();
        if (duration.TotalHours >= 1)
        {
            text.Append(CultureInfo.InvariantCulture, $"{(int)duration.TotalHours}h");
        }

        if (duration.Minutes > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{duration.Minutes}m");
        }

        if (duration.Seconds > 0 || duration.Milliseconds > 0 || text.Length == 0)
        {
            text.Append(duration.Milliseconds > 0
                ? string.Create(CultureInfo.InvariantCulture, $"{duration.TotalSeconds % 60:0.###}s")
                : string.Create(CultureInfo.InvariantCulture, $"{duration.Seconds}s"));
        }

        return text.ToString();
    }
}
