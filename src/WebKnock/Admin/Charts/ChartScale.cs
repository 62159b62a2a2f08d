namespace WebKnock.Admin.Charts;

/// <summary>The value axis of a chart: from zero to a round top in round steps.</summary>
/// <param name="Top">The value at the end of the axis, a multiple of <paramref name="Step"/>, at least the largest value.</param>
/// <param name="Step">1, 2 or 5 times a power of ten.</param>
internal readonly record struct ChartScale(long Top, long Step)
{
    /// <summary>The smallest round step that covers <paramref name="max"/> in at most <paramref name="maxIntervals"/> steps.</summary>
    public static ChartScale For(long max, int maxIntervals = 5)
    {
        if (max <= 0)
        {
            return new ChartScale(1, 1);
        }

        // Counts are whole numbers, so the smallest step is 1.
        for (long power = 1; ; power *= 10)
        {
            foreach (var factor in (ReadOnlySpan<long>)[1, 2, 5])
            {
                var step = power * factor;
                var intervals = (max + step - 1) / step;
                if (intervals <= maxIntervals)
                {
                    return new ChartScale(intervals * step, step);
                }
            }
        }
    }

    /// <summary>The tick values from 0 to <see cref="Top"/>.</summary>
    public IEnumerable<long> Ticks()
    {
        for (long v = 0; v <= Top; v += Step)
        {
            yield return v;
        }
    }

    /// <summary>The length on the axis of <paramref name="value"/>, for an axis <paramref name="length"/> long: strictly proportional.</summary>
    public double Length(long value, double length) => (double)value / Top * length;
}
