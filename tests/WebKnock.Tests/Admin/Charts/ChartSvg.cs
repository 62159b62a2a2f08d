using System.Globalization;
using AngleSharp.Dom;

namespace WebKnock.Tests.Admin.Charts;

/// <summary>A rendered chart read back from its markup: its bars, axis ticks and labels, as a browser would draw them.</summary>
internal sealed class ChartSvg
{
    public ChartSvg(IElement figure)
    {
        Figure = figure;
        var svg = figure.QuerySelector("svg.wk-chart-svg") ?? throw new InvalidOperationException("no chart svg in " + figure.OuterHtml[..Math.Min(200, figure.OuterHtml.Length)]);
        Svg = svg;
        Bars = [.. svg.QuerySelectorAll("rect.wk-bar").Select(Bar.Of)];
        Ticks = [.. svg.QuerySelectorAll("g.wk-tick").Select(t => (
            Value: long.Parse(t.QuerySelector("text")!.TextContent, NumberStyles.AllowThousands, CultureInfo.InvariantCulture),
            Line: t.QuerySelector("line")!))];
        CategoryLabels = [.. svg.QuerySelectorAll("text.wk-category-label").Select(t => t.TextContent)];
    }

    public IElement Figure { get; }

    public IElement Svg { get; }

    public IReadOnlyList<Bar> Bars { get; }

    public IReadOnlyList<(long Value, IElement Line)> Ticks { get; }

    public IReadOnlyList<string> CategoryLabels { get; }

    public string Title => Figure.QuerySelector(".wk-chart-title")!.TextContent;

    public string Total => Figure.QuerySelector(".wk-chart-total")!.TextContent;

    /// <summary>The chart in the markup whose title starts with <paramref name="title"/>.</summary>
    public static ChartSvg Find(IEnumerable<IElement> figures, string title) =>
        new(figures.Single(f => f.QuerySelector(".wk-chart-title")!.TextContent.StartsWith(title, StringComparison.Ordinal)));

    public static double Number(IElement element, string attribute) =>
        double.Parse(element.GetAttribute(attribute) ?? throw new InvalidOperationException($"no {attribute} on {element.OuterHtml}"), CultureInfo.InvariantCulture);

    /// <summary>
    /// Every bar's length over its count is one number (the chart's scale), and that scale is the one of
    /// the value axis: from the zero tick to the top tick, <paramref name="along"/> ("y" or "x").
    /// </summary>
    public double AssertProportional(string along)
    {
        Assert.NotEmpty(Bars);
        var scale = Bars[0].Length(along) / Bars[0].Value;
        Assert.All(Bars, b => Assert.Equal(scale, b.Length(along) / b.Value, 1e-3 * scale));

        var zero = Ticks.Single(t => t.Value == 0);
        var top = Ticks.MaxBy(t => t.Value);
        var axis = Math.Abs(Number(top.Line, along + "1") - Number(zero.Line, along + "1"));
        Assert.Equal(axis / top.Value, scale, 1e-3 * scale);
        Assert.True(top.Value >= Bars.Max(b => along == "y" ? StackValue(b) : b.Value), "the axis covers the largest bar");
        return scale;
    }

    // For a vertical chart the axis must cover the whole stack above a category, not one bar.
    private long StackValue(Bar bar) => Bars.Where(b => Math.Abs(b.X - bar.X) < 1e-6 && Math.Abs(b.Width - bar.Width) < 1e-6).Sum(b => b.Value);

    internal sealed record Bar(double X, double Y, double Width, double Height, long Value, string Title, string Classes)
    {
        public double Length(string along) => along == "y" ? Height : Width;

        public static Bar Of(IElement rect) => new(
            Number(rect, "x"), Number(rect, "y"), Number(rect, "width"), Number(rect, "height"),
            long.Parse(rect.GetAttribute("data-value")!, CultureInfo.InvariantCulture),
            rect.QuerySelector("title")?.TextContent ?? throw new InvalidOperationException("a bar without a title: " + rect.OuterHtml),
            rect.GetAttribute("class") ?? "");
    }
}
