using Bunit;
using WebKnock.Admin.Charts;
using WebKnock.Events;
using WebKnock.Tests.Events;

namespace WebKnock.Tests.Admin.Charts;

/// <summary>The four charts drawn from the analytics of a store filled with the known events of <see cref="GeneratedEvents"/>.</summary>
public sealed class AnalyticsChartsTests : BunitContext
{
    private static readonly List<GatewayEvent> March = GeneratedEvents.March2026();
    private readonly TestStore _store = new();
    private readonly EventAnalytics _analytics;

    public AnalyticsChartsTests()
    {
        _store.Store.Insert(March);
        _store.Store.Insert(GeneratedEvents.Logins2026());
        _analytics = new EventAnalytics(_store.Store);
    }

    [Fact]
    public void Dropped_attempts_per_day_have_one_bar_per_day_and_port_proportional_to_the_count()
    {
        var cut = Render<DroppedPerDayChart>(p => p
            .Add(c => c.Rows, _analytics.DroppedPerDay(DayRange.Month(2026, 3)))
            .Add(c => c.Year, 2026)
            .Add(c => c.Month, 3));

        var chart = new ChartSvg(cut.Find("figure"));
        Assert.Equal("Dropped attempts per day, March 2026", chart.Title);
        Assert.Equal("Total: 527", chart.Total);

        // Day d: d attempts at 443 and d % 3 at 22 (see GeneratedEvents); the bars say so, in order of day then port.
        var expected = Enumerable.Range(1, 31)
            .SelectMany(d => new[] { (Title: $"{d} March 2026, Port 22: {d % 3}", Value: (long)(d % 3)), (Title: $"{d} March 2026, Port 443: {d}", Value: (long)d) })
            .Where(b => b.Value > 0)
            .ToList();
        Assert.Equal(expected, chart.Bars.Select(b => (b.Title, b.Value)));
        chart.AssertProportional("y");

        // The 31st has the highest stack: 31 + 1 = 32 attempts, under the axis top of 40.
        Assert.Equal(40, chart.Ticks.Max(t => t.Value));
        var legend = cut.FindAll(".wk-legend li").Select(l => l.TextContent.Trim());
        Assert.Equal(["Port 22 (31)", "Port 443 (496)"], legend);
    }

    [Fact]
    public void Dropped_attempts_of_a_month_without_any_say_so()
    {
        var cut = Render<DroppedPerDayChart>(p => p
            .Add(c => c.Rows, _analytics.DroppedPerDay(DayRange.Month(2026, 11)))
            .Add(c => c.Year, 2026)
            .Add(c => c.Month, 11));

        Assert.Empty(cut.FindAll("svg"));
        Assert.Equal("No dropped attempts in November 2026", cut.Find(".wk-chart-empty-text").TextContent);
    }

    [Fact]
    public void Dropped_attempts_of_one_service_name_it()
    {
        var cut = Render<DroppedPerDayChart>(p => p
            .Add(c => c.Rows, _analytics.DroppedPerDay(DayRange.Month(2026, 3), "ssh"))
            .Add(c => c.Year, 2026)
            .Add(c => c.Month, 3)
            .Add(c => c.Service, "ssh"));

        var chart = new ChartSvg(cut.Find("figure"));
        Assert.Equal("Dropped attempts per day at ssh, March 2026", chart.Title);
        Assert.Equal("Total: 31", chart.Total);
        Assert.All(chart.Bars, b => Assert.Contains("Port 22", b.Title));
        Assert.Empty(cut.FindAll(".wk-legend")); // one port, one series
    }

    [Fact]
    public void Top_countries_have_bars_proportional_to_their_counts_and_a_table_with_shares()
    {
        var cut = Render<TopCountriesChart>(p => p
            .Add(c => c.Countries, _analytics.TopCountries(DayRange.Month(2026, 3), 5))
            .Add(c => c.Total, _analytics.DroppedPerDay(DayRange.Month(2026, 3)).Sum(r => r.Count))
            .Add(c => c.Period, "March 2026"));

        // The expected counts straight from the generated events, not from the store.
        var counts = March
            .Where(e => e.Type == GatewayEventType.DroppedAttempt && e.Time.Month == 3)
            .GroupBy(e => e.Country!)
            .ToDictionary(g => g.Key, g => (long)g.Count());
        var chart = new ChartSvg(cut.Find("figure"));
        Assert.Equal("Top 5 countries of dropped attempts, March 2026", chart.Title);
        Assert.Equal("Total: 527", chart.Total);
        Assert.Equal(["CN", "US", "BR", "DE", "NL"], chart.CategoryLabels);
        Assert.Equal(chart.CategoryLabels.Select(c => counts[c]), chart.Bars.Select(b => b.Value));
        chart.AssertProportional("x");
        Assert.Equal("CN: 157 dropped attempts, 29.8 % of 527", chart.Bars[0].Title);

        var rows = cut.FindAll("table.wk-countries tr").Select(r => string.Join("|", r.Children.Select(c => c.TextContent))).ToList();
        var others = 527 - chart.Bars.Sum(b => b.Value);
        Assert.Equal(
            [
                "#|Country|Attempts|Share",
                "1|CN|157|29.8 %",
                $"2|US|{counts["US"]}|{Share(counts["US"], 527)}",
                "3|BR|53|10.1 %",
                "4|DE|53|10.1 %",
                "5|NL|53|10.1 %",
                $"|Other countries|{others}|{Share(others, 527)}",
                "|All|527|100.0 %",
            ],
            rows);
    }

    [Fact]
    public void Top_countries_of_a_month_without_attempts_say_so()
    {
        var cut = Render<TopCountriesChart>(p => p
            .Add(c => c.Countries, _analytics.TopCountries(DayRange.Month(2026, 11), 5))
            .Add(c => c.Total, 0L)
            .Add(c => c.Period, "November 2026"));

        Assert.Empty(cut.FindAll("svg"));
        Assert.Empty(cut.FindAll("table"));
        Assert.Equal("No dropped attempts in November 2026", cut.Find(".wk-chart-empty-text").TextContent);
        Assert.Equal("Top countries of dropped attempts, November 2026", cut.Find(".wk-chart-title").TextContent);
    }

    [Fact]
    public void Logins_per_month_by_user_show_succeeded_and_failed_bars_and_a_table_per_user()
    {
        var cut = Render<LoginsChart>(p => p
            .Add(c => c.Rows, _analytics.LoginsPerMonth(DayRange.Year(2026), LoginGrouping.User))
            .Add(c => c.Year, 2026)
            .Add(c => c.Service, "webmail")
            .Add(c => c.Grouping, LoginGrouping.User));

        // Webmail: alice signs in m times in month m; bob fails twice in each of months 1 to 6.
        var chart = new ChartSvg(cut.Find("figure"));
        Assert.Equal("Logins per month at webmail, 2026", chart.Title);
        Assert.Equal($"Total: {78 + 12}", chart.Total);
        var expected = Enumerable.Range(1, 12)
            .SelectMany(m => new[] { (Title: $"{Month(m)} 2026, Succeeded: {m}", Value: (long)m), (Title: $"{Month(m)} 2026, Failed: 2", Value: m <= 6 ? 2L : 0) })
            .Where(b => b.Value > 0)
            .ToList();
        Assert.Equal(expected, chart.Bars.Select(b => (b.Title, b.Value)));
        chart.AssertProportional("y");
        Assert.Equal(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], chart.CategoryLabels);

        var rows = cut.FindAll("table.wk-logins-table tbody tr").Select(r => r.Children.Select(c => c.TextContent).ToList()).ToList();
        Assert.Equal(["alice", "bob"], rows.Select(r => r[0]));
        Assert.Equal(["78", "0"], rows[0][1..3]);
        Assert.Equal(["0", "12"], rows[1][1..3]);
        Assert.Equal("3 / 0", rows[0][3 + 2]); // alice in March
        Assert.Equal("0 / 2", rows[1][3 + 5]); // bob in June
        Assert.Equal("", rows[1][3 + 6]); // bob in July: nothing
        Assert.Equal("bob, June 2026: 0 succeeded, 2 failed", cut.FindAll("table.wk-logins-table tbody tr")[1].Children[3 + 5].GetAttribute("title"));
    }

    [Fact]
    public void Logins_per_month_by_address_for_ssh()
    {
        var cut = Render<LoginsChart>(p => p
            .Add(c => c.Rows, _analytics.LoginsPerMonth(DayRange.Year(2026), LoginGrouping.Address, "ssh"))
            .Add(c => c.Year, 2026)
            .Add(c => c.Service, "ssh")
            .Add(c => c.Grouping, LoginGrouping.Address));

        var chart = new ChartSvg(cut.Find("figure"));
        Assert.Equal("Total: 12", chart.Total);
        Assert.All(chart.Bars, b => Assert.Equal(1, b.Value));
        Assert.All(chart.Bars, b => Assert.Contains("Failed", b.Title));
        Assert.Equal("Address", cut.Find("table.wk-logins-table thead th").TextContent);
        var row = cut.Find("table.wk-logins-table tbody tr").Children.Select(c => c.TextContent).ToList();
        Assert.Equal(["198.51.100.2", "0", "12"], row[..3]);
        Assert.All(row[3..], cell => Assert.Equal("0 / 1", cell));
    }

    [Fact]
    public void The_login_table_lists_the_top_keys_and_says_how_many_it_left_out()
    {
        var rows = Enumerable.Range(1, 15)
            .Select(i => new LoginMonthCount(2026, 5, "webmail", $"user{i:00}", i, 0))
            .ToList();
        var cut = Render<LoginsChart>(p => p
            .Add(c => c.Rows, rows)
            .Add(c => c.Year, 2026)
            .Add(c => c.Service, "webmail")
            .Add(c => c.Top, 3));

        Assert.Equal(["user15", "user14", "user13"], cut.FindAll("table.wk-logins-table tbody th").Select(c => c.TextContent));
        Assert.Equal("3 of 15 users shown, those with the most logins.", cut.Find(".wk-note").TextContent);
    }

    [Fact]
    public void A_year_without_logins_of_a_service_says_so()
    {
        var cut = Render<LoginsChart>(p => p
            .Add(c => c.Rows, _analytics.LoginsPerMonth(DayRange.Year(2025), LoginGrouping.User))
            .Add(c => c.Year, 2025)
            .Add(c => c.Service, "ssh"));

        Assert.Empty(cut.FindAll("svg"));
        Assert.Empty(cut.FindAll("table"));
        Assert.Equal("No ssh logins in 2025", cut.Find(".wk-chart-empty-text").TextContent);
    }

    [Fact]
    public void Knocks_per_day_stack_completed_on_failed_proportionally()
    {
        var cut = Render<KnocksPerDayChart>(p => p
            .Add(c => c.Rows, _analytics.KnocksPerDay(DayRange.Month(2026, 3)))
            .Add(c => c.Year, 2026)
            .Add(c => c.Month, 3));

        // Day d: d % 4 completed knocks, and one failed on odd days.
        var chart = new ChartSvg(cut.Find("figure"));
        Assert.Equal("Knocks per day, March 2026", chart.Title);
        var completed = Enumerable.Range(1, 31).Sum(d => d % 4);
        Assert.Equal($"Total: {completed + 16}", chart.Total);
        var expected = Enumerable.Range(1, 31)
            .SelectMany(d => new[] { (Title: $"{d} March 2026, Completed: {d % 4}", Value: (long)(d % 4)), (Title: $"{d} March 2026, Failed: 1", Value: d % 2 == 1 ? 1L : 0) })
            .Where(b => b.Value > 0)
            .ToList();
        Assert.Equal(expected, chart.Bars.Select(b => (b.Title, b.Value)));
        chart.AssertProportional("y");
        Assert.All(chart.Bars.Where(b => b.Title.Contains("Failed", StringComparison.Ordinal)), b => Assert.Contains("wk-failed", b.Classes));
        Assert.Equal(["Completed (" + completed + ")", "Failed (16)"], cut.FindAll(".wk-legend li").Select(l => l.TextContent.Trim()));
    }

    [Fact]
    public void Knocks_of_a_month_without_any_say_so()
    {
        var cut = Render<KnocksPerDayChart>(p => p
            .Add(c => c.Rows, _analytics.KnocksPerDay(DayRange.Month(2026, 3), "ssh"))
            .Add(c => c.Year, 2026)
            .Add(c => c.Month, 3)
            .Add(c => c.Service, "ssh"));

        Assert.Equal("No knocks at ssh in March 2026", cut.Find(".wk-chart-empty-text").TextContent);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _store.Dispose();
        }

        base.Dispose(disposing);
    }

    private static string Month(int month) => System.Globalization.CultureInfo.InvariantCulture.DateTimeFormat.GetMonthName(month);

    private static string Share(long part, long whole) => ((double)part / whole * 100).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " %";
}
