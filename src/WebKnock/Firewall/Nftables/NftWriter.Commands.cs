using System.Text;

namespace WebKnock.Firewall.Nftables;

/// <summary>How element changes are written as nft commands: one change alone, or one command per set for a batch.</summary>
internal sealed partial class NftWriter
{
    /// <summary>
    /// The commands of one change alone. Re-adding an element refreshes its timeout only on recent kernels, so the
    /// portable form is add, delete, add; add first, since deleting an absent element fails the whole transaction.
    /// </summary>
    internal static string Commands(NftElementChange change, bool refreshByAdd)
    {
        var set = $"inet {change.Table} {change.Set}";
        if (change.Timeout is not { } timeout)
        {
            return $"add element {set} {{ {change.Address} }}\ndelete element {set} {{ {change.Address} }}";
        }

        if (refreshByAdd)
        {
            return $"add element {set} {{ {Refreshed(change.Address, timeout)} }}";
        }

        var add = $"add element {set} {{ {change.Address} timeout {NftAddress.FormatTimeout(timeout)} }}";
        return $"add element {set} {{ {change.Address} }}\ndelete element {set} {{ {change.Address} }}\n{add}";
    }

    /// <summary>
    /// An element re-added in place with its expiry set as well: a kernel that updates elements in place (6.10 and
    /// later) resets the expiry only when the timeout changes or an expiry is given, so re-adding the same timeout
    /// alone (a window extended by its full length) would leave the old deadline in the kernel.
    /// </summary>
    private static string Refreshed(string address, TimeSpan timeout)
    {
        var t = NftAddress.FormatTimeout(timeout);
        return $"{address} timeout {t} expires {t}";
    }

    private static StringBuilder Command(StringBuilder buffer, string verb, string table, string set)
        => buffer.Append(verb).Append(" element inet ").Append(table).Append(' ').Append(set).Append(" { ");
}
