using Bunit;
using WebKnock.Admin.Charts;

namespace WebKnock.Tests.Admin.Charts;

public sealed class BarChartTests : BunitContext
{
    // Coordinates are written with three decimals.
    private const double Tolerance = 0.002;

    private static readonly string[] Days = [.. Enumerable.Range(1, 31).Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture))];

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(3, 3, 1)]
    [InlineData(5, 5, 1)]
    [InlineData(6, 6, 2)]
    [InlineData(31, 40, 10)]
    [InlineData(50, 50, 10)]
    [InlineData(51, 60, 20)]
    [InlineData(527, 600, 200)]
    [InlineData(999_999, 1_000_000, 200_000)]
    [InlineData(1_000_001, 1_500_000, 500_000)]
    public void The_value_axis_ends_at_a_round_number_in_round_steps(long max, long top, long step)
    {
        var scale = ChartScale.For(max);

        Assert.Equal((top, step), (scale.Top, scale.Step));
        Assert.InRange(scale.Top / scale.Step, 1, 5);
        Assert.True(scale.Top >= max);
    }

    [Fact]
    public void Stacked_bars_are_proportional_to_their_counts_on_one_scale_and_stand_on_each_other()
    {
        var cut = Render<BarChart>(p => p
            .Add(c => c.Title, "Stacked")
            .Add(c => c.Categories, ["a", "b", "c"])
            .Add(c => c.Series, [new ChartSeries("x", [5, 0, 40]), new ChartSeries("y", [10, 7, 3])])
            .Add(c => c.Mode, BarMode.Stacked));

        var chart = new ChartSvg(cut.Find("figure"));
        Assert.Equal([5L, 10, 7, 40, 3], chart.Bars.Select(b => b.Value));
        chart.AssertProportional("y");
        Assert.Equal([0L, 10, 20, 30, 40, 50], chart.Ticks.Select(t => t.Value));

        // In a category the second series starts where the first ends; every stack starts at the baseline.
        var baseline = ChartSvg.Number(cut.Find("line.wk-baseline"), "y1");
        var a = chart.Bars.Where(b => b.Title.StartsWith("a,", StringComparison.Ordinal)).ToList();
        Assert.Equal(baseline, a[0].Y + a[0].Height, Tolerance);
        Assert.Equal(a[0].Y, a[1].Y + a[1].Height, Tolerance);
        Assert.Equal(baseline, chart.Bars.Single(b => b.Title == "b, y: 7").Y + chart.Bars.Single(b => b.Title == "b, y: 7").Height, Tolerance);
        Assert.Equal("Total: 65", chart.Total);
    }

    [Fact]
    public void Grouped_bars_stand_side_by_side_from_the_baseline_on_the_scale_of_the_largest_bar()
    {
        var cut = Render<BarChart>(p => p
            .Add(c => c.Title, "Grouped")
            .Add(c => c.Categories, ["Jan", "Feb"])
            .Add(c => c.Series, [new ChartSeries("Succeeded", [12, 3], "wk-ok"), new ChartSeries("Failed", [4, 9], "wk-failed")]));

        var chart = new ChartSvg(cut.Find("figure"));
        chart.AssertProportional("y");
        Assert.Equal(15, chart.Ticks.Max(t => t.Value)); // the largest bar is 12, not the sum 15 of a stack: the axis still reaches 15 in steps of 5
        var baseline = ChartSvg.Number(cut.Find("line.wk-baseline"), "y1");
        Assert.All(chart.Bars, b => Assert.Equal(baseline, b.Y + b.Height, 3));
        var jan = chart.Bars.Where(b => b.Title.StartsWith("Jan", StringComparison.Ordinal)).ToList();
        Assert.Equal(jan[0].X + jan[0].Width, jan[1].X, Tolerance);
        Assert.Contains("wk-ok", jan[0].Classes);
        Assert.Contains("wk-failed", jan[1].Classes);
    }

    [Fact]
    public void Every_bar_has_a_title_with_its_category_series_and_exact_count()
    {
        var cut = Render<BarChart>(p => p
            .Add(c => c.Title, "Dropped")
            .Add(c => c.Categories, ["1", "2"])
            .Add(c => c.CategoryTitles, ["1 March 2026", "2 March 2026"])
            .Add(c => c.Series, [new ChartSeries("Port 443", [1234, 1]), new ChartSeries("Port 22", [0, 2])])
            .Add(c => c.Mode, BarMode.Stacked));

        Assert.Equal(
            ["1 March 2026, Port 443: 1,234", "2 March 2026, Port 443: 1", "2 March 2026, Port 22: 2"],
            new ChartSvg(cut.Find("figure")).Bars.Select(b => b.Title));
    }

    [Fact]
    public void A_single_unnamed_series_has_no_legend_and_plain_titles()
    {
        var cut = Render<BarChart>(p => p
            .Add(c => c.Title, "One")
            .Add(c => c.Categories, ["a", "b"])
            .Add(c => c.Series, [new ChartSeries("", [3, 6])]));

        Assert.Equal(["a: 3", "b: 6"], new ChartSvg(cut.Find("figure")).Bars.Select(b => b.Title));
        Assert.Empty(cut.FindAll(".wk-legend"));
    }

    [Fact]
    public void Several_series_get_a_legend_with_distinct_colours_and_totals()
    {
        var cut = Render<BarChart>(p => p
            .Add(c => c.Title, "Ports")
            .Add(c => c.Categories, ["a", "b"])
            .Add(c => c.Series, [new ChartSeries("Port 22", [1, 2]), new ChartSeries("Port 443", [3, 4]), new ChartSeries("Port 993", [0, 5])])
            .Add(c => c.Mode, BarMode.Stacked));

        var items = cut.FindAll(".wk-legend li");
        Assert.Equal(["Port 22 (3)", "Port 443 (7)", "Port 993 (5)"], items.Select(i => i.TextContent.Trim()));
        var swatches = items.Select(i => i.QuerySelector("rect")!.ClassList.Single(c => c.StartsWith("wk-series-", StringComparison.Ordinal))).ToList();
        Assert.Equal(3, swatches.Distinct().Count());

        // The bars of a series wear the colour of its swatch.
        var chart = new ChartSvg(cut.Find("figure"));
        Assert.All(chart.Bars.Where(b => b.Title.Contains("Port 443", StringComparison.Ordinal)), b => Assert.Contains(swatches[1], b.Classes));
    }

    [Fact]
    public void Crowded_category_labels_are_thinned_evenly_and_sparse_ones_are_all_shown()
    {
        var month = Render<BarChart>(p => p
            .Add(c => c.Title, "A month")
            .Add(c => c.Categories, Days)
            .Add(c => c.Series, [new ChartSeries("", [.. Enumerable.Range(1, 31).Select(d => (long)d)])]));
        var labels = new ChartSvg(month.Find("figure")).CategoryLabels;
        Assert.Equal([.. Enumerable.Range(0, 16).Select(i => (1 + (2 * i)).ToString(System.Globalization.CultureInfo.InvariantCulture))], labels);

        // Labels in order along the axis, one under the middle of its bar.
        var xs = month.FindAll("text.wk-category-label").Select(t => ChartSvg.Number(t, "x")).ToList();
        Assert.Equal(xs.Order(), xs);
        var third = new ChartSvg(month.Find("figure")).Bars[2];
        Assert.Equal(third.X + (third.Width / 2), xs[1], Tolerance);

        var year = Render<BarChart>(p => p
            .Add(c => c.Title, "A year")
            .Add(c => c.Categories, ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"])
            .Add(c => c.Series, [new ChartSeries("", [1])]));
        Assert.Equal(12, new ChartSvg(year.Find("figure")).CategoryLabels.Count);
    }

    [Fact]
    public void The_chart_is_an_image_named_by_its_title_and_total()
    {
        var cut = Render<BarChart>(p => p
            .Add(c => c.Title, "Knocks per day, March 2026")
            .Add(c => c.Categories, ["1", "2"])
            .Add(c => c.Series, [new ChartSeries("Completed", [1, 2]), new ChartSeries("Failed", [3, 0])]));

        var svg = cut.Find("svg.wk-chart-svg");
        Assert.Equal("img", svg.GetAttribute("role"));
        Assert.Equal("Knocks per day, March 2026. Total: 6 (Completed, Failed)", svg.GetAttribute("aria-label"));
        Assert.Equal("Knocks per day, March 2026", cut.Find("figcaption .wk-chart-title").TextContent);
        Assert.Empty(cut.FindAll("script"));
    }

    [Fact]
    public void The_numbers_table_lists_every_category_with_each_series_and_the_total()
    {
        var cut = Render<BarChart>(p => p
            .Add(c => c.Title, "T")
            .Add(c => c.Categories, ["1", "2"])
            .Add(c => c.CategoryTitles, ["1 May", "2 May"])
            .Add(c => c.CategoryHeader, "Day")
            .Add(c => c.Series, [new ChartSeries("A", [1, 2]), new ChartSeries("B", [3, 0])]));

        var rows = cut.FindAll(".wk-chart-data tr").Select(r => string.Join("|", r.Children.Select(c => c.TextContent))).ToList();
        Assert.Equal(["Day|A|B|Total", "1 May|1|3|4", "2 May|2|0|2"], rows);
    }

    [Fact]
    public void Without_any_count_the_chart_says_so_instead_of_drawing_empty_axes()
    {
        var cut = Render<BarChart>(p => p
            .Add(c => c.Title, "Dropped attempts per day, November 2026")
            .Add(c => c.Categories, Days)
            .Add(c => c.Series, [new ChartSeries("Port 443", new long[31])])
            .Add(c => c.EmptyText, "No dropped attempts in November 2026"));

        Assert.Empty(cut.FindAll("svg"));
        Assert.Equal("No dropped attempts in November 2026", cut.Find(".wk-chart-empty-text").TextContent);
        Assert.Equal("Dropped attempts per day, November 2026", cut.Find(".wk-chart-title").TextContent);
        Assert.Empty(cut.FindAll(".wk-chart-total"));
    }

    [Fact]
    public void Horizontal_bars_are_as_long_as_their_counts_on_one_scale_and_keep_their_order()
    {
        var cut = Render<HorizontalBarChart>(p => p
            .Add(c => c.Title, "Countries")
            .Add(c => c.Items, [new ChartBar("CN", 157), new ChartBar("US", 105), new ChartBar("private address", 52)])
            .Add(c => c.Total, 527L));

        var chart = new ChartSvg(cut.Find("figure"));
        chart.AssertProportional("x");
        Assert.Equal(["CN: 157", "US: 105", "private address: 52"], chart.Bars.Select(b => b.Title));
        Assert.Equal(["CN", "US", "private address"], chart.CategoryLabels);
        Assert.Equal(chart.Bars.Select(b => b.Y).Order(), chart.Bars.Select(b => b.Y));
        Assert.All(chart.Bars, b => Assert.Equal(chart.Bars[0].X, b.X));
        Assert.Equal("Total: 527", chart.Total);
        Assert.Equal("img", chart.Svg.GetAttribute("role"));
    }

    [Fact]
    public void Horizontal_chart_without_counts_shows_its_empty_text()
    {
        var cut = Render<HorizontalBarChart>(p => p
            .Add(c => c.Title, "Countries")
            .Add(c => c.Items, [])
            .Add(c => c.EmptyText, "No dropped attempts in May 2026"));

        Assert.Empty(cut.FindAll("svg"));
        Assert.Equal("No dropped attempts in May 2026", cut.Find(".wk-chart-empty-text").TextContent);
    }
}
