using System.Collections;

namespace WebKnock.Knocking.Totp;

/// <summary>
/// The ports a TOTP sequence may use, ascending: the configured range less the ports browsers refuse to connect to
/// (the Fetch standard's bad ports), the protected ports, the ports the host serves (always open) and the plain
/// sequences' ports.
/// </summary>
internal sealed class TotpPortPool : IReadOnlyList<int>
{
    private readonly int[] _ports;

    public TotpPortPool(int start, int end, IEnumerable<int> excluded)
    {
        var skip = new HashSet<int>(excluded);
        skip.UnionWith(BrowserPorts.Restricted);
        _ports = [.. Enumerable.Range(start, Math.Max(0, end - start + 1)).Where(p => !skip.Contains(p))];
        Excluded = [.. skip.Where(p => p >= start && p <= end).Order()];
        Start = start;
        End = end;
    }

    public int Start { get; }

    public int End { get; }

    /// <summary>The ports of the range that are not in the pool (the knock page is told them with the range).</summary>
    public IReadOnlyList<int> Excluded { get; }

    public int Count => _ports.Length;

    public int this[int index] => _ports[index];

    public bool Contains(int port) => Array.BinarySearch(_ports, port) >= 0;

    public IEnumerator<int> GetEnumerator() => ((IEnumerable<int>)_ports).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _ports.GetEnumerator();
}

/// <summary>The ports browsers refuse to connect to.</summary>
public static class BrowserPorts
{
    /// <summary>
    /// The Fetch standard's bad ports (fetch.spec.whatwg.org, "port blocking"), which Chromium and Firefox also refuse
    /// (net/base/port_util.cc): a fetch to them fails before any SYN leaves.
    /// </summary>
    public static readonly IReadOnlySet<int> Restricted = new HashSet<int>
    {
        0, 1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104,
        109, 110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515,
        526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049,
        3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
    };
}
