namespace WebKnock.Admin.Charts;

/// <summary>One bar as drawn: its rectangle in the chart's coordinates, its count and its tooltip.</summary>
internal sealed record BarShape(double X, double Y, double Width, double Height, long Value, string CssClass, string Title);

/// <summary>A label on an axis at a position along it (a tick value, a category).</summary>
internal sealed record AxisLabel(double Position, string Text);

/// <summary>
/// Where the bars of a vertical bar chart go: categories along the bottom, counts up the side on one
/// round scale, every bar's height strictly proportional to its count. Pure arithmetic, no markup.
/// </summary>
internal sealed class VerticalBarLayout
{
    public const double Width = 720;
    public const double Height = 280;
    private const double TopMargin = 14;
    private const double RightMargin = 12;
    private const double BottomMargin = 30;
    private const double LabelGap = 8;

    private VerticalBarLayout(IReadOnlyList<string> categories, IReadOnlyList<string> titles, IReadOnlyList<ChartSeries> series, BarMode mode)
    {
        var count = categories.Count;
        Totals = [.. Enumerable.Range(0, count).Select(c => series.Sum(s => s.ValueAt(c)))];
        Total = Totals.Sum();
        var max = count == 0 ? 0 : mode == BarMode.Stacked || series.Count == 1
            ? Totals.Max()
            : Enumerable.Range(0, count).Max(c => series.Max(s => s.ValueAt(c)));
        Scale = ChartScale.For(max);

        var tickLabels = Scale.Ticks().Select(v => (Value: v, Text: ChartText.Count(v))).ToList();
        PlotLeft = LabelGap * 2 + tickLabels.Max(t => ChartText.Width(t.Text));
        PlotTop = TopMargin;
        PlotWidth = Width - PlotLeft - RightMargin;
        PlotHeight = Height - TopMargin - BottomMargin;
        Ticks = [.. tickLabels.Select(t => new AxisLabel(PlotBottom - Scale.Length(t.Value, PlotHeight), t.Text))];

        var band = count == 0 ? PlotWidth : PlotWidth / count;
        Categories = ThinnedLabels(categories, band);
        Bars = [.. Shapes(titles, series, mode, band)];
    }

    public ChartScale Scale { get; }

    public long Total { get; }

    /// <summary>The sum of the series in each category.</summary>
    public IReadOnlyList<long> Totals { get; }

    public double PlotLeft { get; }

    public double PlotTop { get; }

    public double PlotWidth { get; }

    public double PlotHeight { get; }

    public double PlotBottom => PlotTop + PlotHeight;

    public double PlotRight => PlotLeft + PlotWidth;

    /// <summary>The value axis: y of each tick, its label.</summary>
    public IReadOnlyList<AxisLabel> Ticks { get; }

    /// <summary>The category labels shown (every one, or every n-th when they would overlap): x of the centre, text.</summary>
    public IReadOnlyList<AxisLabel> Categories { get; }

    /// <summary>Every bar with a count above zero.</summary>
    public IReadOnlyList<BarShape> Bars { get; }

    /// <param name="categories">The labels along the axis ("1" to "31", "Jan" to "Dec").</param>
    /// <param name="titles">The categories as the tooltips name them ("3 November 2026"); the labels when shorter or absent.</param>
    public static VerticalBarLayout Create(IReadOnlyList<string> categories, IReadOnlyList<string>? titles, IReadOnlyList<ChartSeries> series, BarMode mode) =>
        new(categories, titles is not null && titles.Count == categories.Count ? titles : categories, series, mode);

    private IReadOnlyList<AxisLabel> ThinnedLabels(IReadOnlyList<string> categories, double band)
    {
        if (categories.Count == 0)
        {
            return [];
        }

        // Show every n-th label so that the widest fits in its share of the axis with a gap.
        var widest = categories.Max(c => ChartText.Width(c)) + LabelGap;
        var every = Math.Max(1, (int)Math.Ceiling(widest / band));
        return [.. categories.Select((text, i) => (text, i))
            .Where(c => c.i % every == 0)
            .Select(c => new AxisLabel(PlotLeft + (band * (c.i + 0.5)), c.text))];
    }

    private IEnumerable<BarShape> Shapes(IReadOnlyList<string> titles, IReadOnlyList<ChartSeries> series, BarMode mode, double band)
    {
        var group = band * 0.8;
        for (var c = 0; c < titles.Count; c++)
        {
            var left = PlotLeft + (band * c) + ((band - group) / 2);
            var stacked = 0.0;
            for (var s = 0; s < series.Count; s++)
            {
                var value = series[s].ValueAt(c);
                var height = Scale.Length(value, PlotHeight);
                double x, width, y;
                if (mode == BarMode.Stacked || series.Count == 1)
                {
                    (x, width, y) = (left, group, PlotBottom - stacked - height);
                    stacked += height;
                }
                else
                {
                    width = group / series.Count;
                    (x, y) = (left + (width * s), PlotBottom - height);
                }

                if (value > 0)
                {
                    yield return new BarShape(x, y, width, height, value, CssClass(series[s], s), Title(titles[c], series, s, value));
                }
            }
        }
    }

    internal static string CssClass(ChartSeries series, int index) => series.CssClass ?? $"wk-series-{index % 8}";

    private static string Title(string category, IReadOnlyList<ChartSeries> series, int index, long value) =>
        series.Count == 1 && string.IsNullOrEmpty(series[0].Name)
            ? $"{category}: {ChartText.Count(value)}"
            : $"{category}, {series[index].Name}: {ChartText.Count(value)}";
}
