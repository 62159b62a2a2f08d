namespace WebKnock.Events.Geo;

/// <summary>
/// Address ranges sorted by their start, each with a country code; a lookup is a binary search for the
/// last range that starts at or before the address, then a check of its end.
/// </summary>
internal sealed class RangeTable<T>
    where T : struct, IComparable<T>
{
    private readonly T[] _starts;
    private readonly T[] _ends;
    private readonly ushort[] _codes;
    private readonly string[] _names;

    private RangeTable(T[] starts, T[] ends, ushort[] codes, string[] names)
    {
        _starts = starts;
        _ends = ends;
        _codes = codes;
        _names = names;
    }

    public static RangeTable<T> Empty { get; } = new([], [], [], []);

    public int Count => _starts.Length;

    public string? Find(T value)
    {
        var i = Array.BinarySearch(_starts, value);
        if (i < 0)
        {
            i = ~i - 1;
        }

        return i >= 0 && value.CompareTo(_ends[i]) <= 0 ? _names[_codes[i]] : null;
    }

    /// <summary>Collects ranges in any order; <see cref="Build"/> sorts them.</summary>
    public sealed class Builder
    {
        private readonly List<T> _starts = [];
        private readonly List<T> _ends = [];
        private readonly List<ushort> _codes = [];
        private readonly Dictionary<string, ushort> _codeIndex = new(StringComparer.Ordinal);
        private readonly List<string> _names = [];

        public void Add(T start, T end, string code)
        {
            if (!_codeIndex.TryGetValue(code, out var index))
            {
                index = checked((ushort)_names.Count);
                _codeIndex.Add(code, index);
                _names.Add(code);
            }

            _starts.Add(start);
            _ends.Add(end);
            _codes.Add(index);
        }

        public RangeTable<T> Build()
        {
            var starts = _starts.ToArray();
            var ends = _ends.ToArray();
            var codes = _codes.ToArray();
            if (!IsSorted(starts))
            {
                var order = Enumerable.Range(0, starts.Length).ToArray();
                Array.Sort((T[])starts.Clone(), order);
                starts = [.. order.Select(i => _starts[i])];
                ends = [.. order.Select(i => _ends[i])];
                codes = [.. order.Select(i => _codes[i])];
            }

            return new RangeTable<T>(starts, ends, codes, [.. _names]);
        }

        private static bool IsSorted(T[] values)
        {
            for (var i = 1; i < values.Length; i++)
            {
                if (values[i - 1].CompareTo(values[i]) > 0)
                {
                    return false;
                }
            }

            return true;
        }
    }
}
