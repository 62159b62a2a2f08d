namespace WebKnock.Admin.Charts;

/// <summary>One named row of counts, one value per category of the chart, in the categories' order.</summary>
/// <param name="Name">Shown in the legend and the bars' tooltips ("Port 443", "Failed").</param>
/// <param name="Values">Counts; missing values at the end count as zero, negative ones as zero.</param>
/// <param name="CssClass">The bars' colour class; by default <c>wk-series-N</c> by position.</param>
public sealed record ChartSeries(string Name, IReadOnlyList<long> Values, string? CssClass = null)
{
    public long ValueAt(int category) => category < Values.Count ? Math.Max(Values[category], 0) : 0;
}

/// <summary>How the bars of several series share a category.</summary>
public enum BarMode
{
    /// <summary>Side by side, each from the axis.</summary>
    Grouped,

    /// <summary>On top of each other: the height of the stack is the category's total.</summary>
    Stacked,
}

/// <summary>One horizontal bar: a label (a country), its count, and optionally its whole tooltip (by default "label: count").</summary>
public sealed record ChartBar(string Label, long Value, string? Title = null);
