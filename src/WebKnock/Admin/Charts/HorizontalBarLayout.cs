namespace WebKnock.Admin.Charts;

/// <summary>
/// Where the bars of a horizontal bar chart go: one row per item, labels on the left, counts along the
/// bottom on one round scale, every bar's length strictly proportional to its count.
/// </summary>
internal sealed class HorizontalBarLayout
{
    public const double Width = 720;
    public const double RowHeight = 26;
    private const double TopMargin = 8;
    private const double RightMargin = 20;
    private const double BottomMargin = 26;
    private const double LabelGap = 8;

    private HorizontalBarLayout(IReadOnlyList<ChartBar> items, string cssClass)
    {
        Total = items.Sum(i => Math.Max(i.Value, 0));
        Scale = ChartScale.For(items.Count == 0 ? 0 : items.Max(i => i.Value));
        PlotLeft = LabelGap * 2 + (items.Count == 0 ? 0 : items.Max(i => ChartText.Width(i.Label)));
        PlotTop = TopMargin;
        PlotWidth = Width - PlotLeft - RightMargin;
        PlotHeight = RowHeight * items.Count;
        Height = PlotTop + PlotHeight + BottomMargin;
        Ticks = [.. Scale.Ticks().Select(v => new AxisLabel(PlotLeft + Scale.Length(v, PlotWidth), ChartText.Count(v)))];
        Rows = [.. items.Select((item, i) => new AxisLabel(PlotTop + (RowHeight * (i + 0.5)), item.Label))];
        Bars = [.. items
            .Select((item, i) => (item, i))
            .Where(x => x.item.Value > 0)
            .Select(x => new BarShape(
                PlotLeft, PlotTop + (RowHeight * x.i) + (RowHeight * 0.15), Scale.Length(x.item.Value, PlotWidth), RowHeight * 0.7,
                x.item.Value, cssClass, x.item.Title ?? $"{x.item.Label}: {ChartText.Count(x.item.Value)}"))];
    }

    public ChartScale Scale { get; }

    public long Total { get; }

    public double Height { get; }

    public double PlotLeft { get; }

    public double PlotTop { get; }

    public double PlotWidth { get; }

    public double PlotHeight { get; }

    public double PlotBottom => PlotTop + PlotHeight;

    /// <summary>The value axis along the bottom: x of each tick, its label.</summary>
    public IReadOnlyList<AxisLabel> Ticks { get; }

    /// <summary>The row labels: y of each row's middle, text.</summary>
    public IReadOnlyList<AxisLabel> Rows { get; }

    /// <summary>Every bar with a count above zero.</summary>
    public IReadOnlyList<BarShape> Bars { get; }

    public static HorizontalBarLayout Create(IReadOnlyList<ChartBar> items, string cssClass = "wk-series-0") => new(items, cssClass);
}
