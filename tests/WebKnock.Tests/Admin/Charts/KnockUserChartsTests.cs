using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WebKnock.Admin.Charts;
using WebKnock.Events;
using WebKnock.Knocking.Users;
using WebKnock.Tests.Events;

namespace WebKnock.Tests.Admin.Charts;

/// <summary>
/// The charts page's knock users (bUnit, real SQLite store): the users table and the opens per day, the top users
/// choice, and the user filter that limits every chart. alice is enabled, bob disabled, dave removed (only his events remain).
/// </summary>
public sealed class KnockUserChartsTests : BunitContext
{
    private readonly TestStore _store = new();

    public KnockUserChartsTests()
    {
        _store.Store.Insert(KnockUserEvents.March2026());
        _store.Store.Insert(GeneratedEvents.March2026());
        Services.AddSingleton(new EventAnalytics(_store.Store));
        Services.AddSingleton<IKnockUsers>(new KnockUserList(("alice", true), ("bob", false), ("erin", true)));
        Services.AddSingleton<TimeProvider>(new FakeTimeProvider(new DateTimeOffset(2026, 3, 20, 23, 30, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void Every_user_of_the_month_with_windows_opens_replays_and_sign_ins()
    {
        var cut = RenderAt("admin/charts?year=2026&month=3");

        Assert.Equal(["alice", "bob", "dave"], cut.FindAll("table.wk-knock-users tbody tr").Select(r => r.GetAttribute("data-knock-user")));
        var alice = cut.Find("table.wk-knock-users tr[data-knock-user='alice']");
        Assert.Equal(
            ["3", "1", "2", "1", "4", "2", "1 / 1"],
            new[] { "windows", "totp", "spa", "plain", "opens", "replays", "sign-ins" }.Select(c => alice.QuerySelector("." + c)!.TextContent));
        Assert.Null(alice.QuerySelector(".wk-user-state"));
        Assert.Equal("charts?user=alice", alice.QuerySelector("a.user-charts")!.GetAttribute("href"));
        Assert.Equal("events?user=alice", alice.QuerySelector("a.user-events")!.GetAttribute("href"));
        Assert.Equal("(disabled)", cut.Find("tr[data-knock-user='bob'] .wk-user-state").TextContent);
        Assert.Equal("(removed)", cut.Find("tr[data-knock-user='dave'] .wk-user-state").TextContent);
        Assert.Equal("1 / 0", cut.Find("tr[data-knock-user='dave'] .sign-ins").TextContent); // a removed user's history stays
        Assert.Empty(cut.FindAll(".wk-more-users"));

        var figures = cut.FindAll("figure.wk-chart");
        var bars = ChartSvg.Find(figures, "Knock users' opens, March 2026");
        Assert.Equal("Opens: 7", bars.Total);
        Assert.Equal([4L, 2, 1], bars.Bars.Select(b => b.Value));
        bars.AssertProportional("x");

        var perDay = ChartSvg.Find(figures, "Opens per day by knock user, March 2026");
        Assert.Equal("Opens: 7", perDay.Total);
        Assert.Equal(["alice (4)", "bob (2)", "dave (1)"], perDay.Figure.QuerySelectorAll(".wk-legend li").Select(l => l.TextContent.Trim()));
        Assert.Contains(perDay.Bars, b => b.Title == "3 March 2026, alice: 2" && b.Classes.Contains("wk-series-0", StringComparison.Ordinal));
        perDay.AssertProportional("y");
    }

    [Fact]
    public void Top_chooses_how_many_users_have_their_own_series_the_rest_are_others()
    {
        var cut = RenderAt("admin/charts?year=2026&month=3&top=1");

        Assert.Equal("1", cut.Find("input[name=top]").GetAttribute("value"));
        var perDay = ChartSvg.Find(cut.FindAll("figure.wk-chart"), "Opens per day by knock user, March 2026");
        Assert.Equal(["alice (4)", "Others (3)"], perDay.Figure.QuerySelectorAll(".wk-legend li").Select(l => l.TextContent.Trim()));
        Assert.Contains(perDay.Bars, b => b.Title == "4 March 2026, Others: 2" && b.Classes.Contains(OpensPerDayChart.OthersClass, StringComparison.Ordinal));
        Assert.Empty(cut.FindAll(".wk-errors"));
    }

    [Theory]
    [InlineData("top=0", "\"0\"")]
    [InlineData("top=8", "\"8\"")]
    [InlineData("top=abc", "\"abc\"")]
    public void A_bad_top_is_a_message_and_the_default(string query, string quoted)
    {
        var cut = RenderAt("admin/charts?year=2026&month=3&" + query);

        Assert.Equal($"The number of users shown on their own must be from 1 to 7, not {quoted}; showing 5.", cut.Find(".wk-errors li").TextContent);
        Assert.Equal("5", cut.Find("input[name=top]").GetAttribute("value"));
        Assert.Equal(3, cut.FindAll("figure.wk-chart .wk-legend").Last().QuerySelectorAll("li").Length);
    }

    [Fact]
    public void A_user_limits_every_chart_to_that_users_events()
    {
        var cut = RenderAt("admin/charts?year=2026&month=3&user=alice");

        Assert.Equal("alice", cut.Find("input[name=user]").GetAttribute("value"));
        var notice = cut.Find(".wk-user-filter");
        Assert.Equal("alice", notice.QuerySelector(".wk-filter-user")!.TextContent);
        Assert.Equal("events?user=alice", notice.QuerySelector("a.wk-user-events")!.GetAttribute("href"));
        Assert.Equal("/admin/charts?year=2026&month=3", notice.QuerySelector("a.wk-all-users")!.GetAttribute("href"));
        Assert.DoesNotContain("no such knock user", notice.TextContent, StringComparison.Ordinal);

        var figures = cut.FindAll("figure.wk-chart");
        // 527 dropped attempts in March, none of them alice's.
        Assert.Contains("no user's", figures.Single(f => f.TextContent.Contains("Dropped attempts per day", StringComparison.Ordinal)).QuerySelector(".wk-chart-empty-text")!.TextContent, StringComparison.Ordinal);
        var countries = ChartSvg.Find(figures, "Top 3 countries of alice's opens, March 2026");
        Assert.Equal("Total: 4", countries.Total);
        Assert.Equal([2L, 1, 1], countries.Bars.Select(b => b.Value));
        Assert.Equal("Total: 1", ChartSvg.Find(figures, "Knocks per day of alice, March 2026").Total); // of the 16 + 67 knocks
        Assert.Equal("No webmail logins of alice in 2026", figures.Single(f => f.TextContent.Contains("webmail logins", StringComparison.Ordinal)).QuerySelector(".wk-chart-empty-text")!.TextContent);
        Assert.Equal(["alice"], cut.FindAll("table.wk-knock-users tbody tr").Select(r => r.GetAttribute("data-knock-user")));
        Assert.Equal("Opens: 4", ChartSvg.Find(figures, "Opens per day of alice, March 2026").Total);
    }

    [Fact]
    public void A_removed_users_charts_still_show_the_history_and_say_the_user_is_gone()
    {
        var cut = RenderAt("admin/charts?year=2026&month=3&user=dave");

        Assert.Contains("(no such knock user now)", cut.Find(".wk-user-filter").TextContent, StringComparison.Ordinal);
        Assert.Equal("(removed)", cut.Find("tr[data-knock-user='dave'] .wk-user-state").TextContent);
        Assert.Equal("Opens: 1", ChartSvg.Find(cut.FindAll("figure.wk-chart"), "Opens per day of dave, March 2026").Total);
    }

    [Theory]
    [InlineData("user=%07bell", "\"?bell\"")]
    [InlineData("user=a%0Ab", "\"a?b\"")]
    public void A_bad_user_is_a_message_and_every_user_is_shown(string query, string shown)
    {
        var cut = RenderAt("admin/charts?year=2026&month=3&" + query);

        Assert.Equal($"A user name has at most 128 characters and no control characters, not {shown}; showing every user.", cut.Find(".wk-errors li").TextContent);
        Assert.Empty(cut.FindAll(".wk-user-filter"));
        Assert.Equal(3, cut.FindAll("table.wk-knock-users tbody tr").Count);
    }

    [Fact]
    public void A_too_long_user_is_a_message_and_the_field_suggests_the_knock_users()
    {
        var cut = RenderAt("admin/charts?year=2026&month=3&user=" + new string('x', 129));

        Assert.StartsWith("A user name has at most 128 characters", cut.Find(".wk-errors li").TextContent, StringComparison.Ordinal);
        Assert.Equal("wk-knock-user-names", cut.Find("input[name=user]").GetAttribute("list"));
        Assert.Equal(["alice", "bob", "erin"], cut.FindAll("datalist#wk-knock-user-names option").Select(o => o.GetAttribute("value")));
    }

    [Fact]
    public void A_month_without_knock_users_says_so()
    {
        var cut = RenderAt("admin/charts?year=2026&month=2");

        var empty = cut.FindAll(".wk-chart-empty-text").Select(e => e.TextContent).ToList();
        Assert.Contains("No knock user opened a window in February 2026", empty);
        Assert.Contains("No opens by knock users in February 2026", empty);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _store.Dispose();
        }

        base.Dispose(disposing);
    }

    private IRenderedComponent<ChartsPage> RenderAt(string relative)
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo(relative);
        return Render<ChartsPage>();
    }
}

/// <summary>The knock users' chart components from known rows (bUnit).</summary>
public sealed class KnockUserChartPartsTests : BunitContext
{
    [Fact]
    public void The_users_table_says_how_many_more_users_it_leaves_out()
    {
        var list = new UserActivityList([new UserActivity("alice", 1, 1, 0, 0, 0) { SignIns = 2 }], TotalUsers: 4);

        var cut = Render<KnockUsersChart>(p => p.Add(c => c.Users, list).Add(c => c.Period, "March 2026").Add(c => c.Known, new Dictionary<string, bool> { ["alice"] = true }));

        Assert.Equal("and 3 more users with fewer opens", cut.Find(".wk-more-users").TextContent);
        Assert.Equal("2 / 0", cut.Find(".sign-ins").TextContent);
    }

    [Fact]
    public void A_user_with_only_replays_is_listed_without_bars()
    {
        var list = new UserActivityList([new UserActivity("mallory", 0, 0, 0, 0, 5)], TotalUsers: 1);

        var cut = Render<KnockUsersChart>(p => p.Add(c => c.Users, list).Add(c => c.Period, "March 2026").Add(c => c.Known, new Dictionary<string, bool>()).Add(c => c.Service, "ssh"));

        Assert.Equal("Knock users' opens at ssh, March 2026", cut.Find(".wk-chart-title").TextContent);
        Assert.Empty(cut.FindAll("svg.wk-chart-svg"));
        Assert.Equal("5", cut.Find("tr[data-knock-user='mallory'] .replays").TextContent);
        Assert.Equal("(removed)", cut.Find("tr[data-knock-user='mallory'] .wk-user-state").TextContent);
    }

    [Fact]
    public void Opens_per_day_stack_the_shown_users_and_the_others_on_their_days()
    {
        var day = new DateOnly(2026, 3, 2);
        UserDayCount[] rows = [new(day, "alice", 3), new(day, "", 1), new(day.AddDays(1), "bob", 2)];

        var cut = Render<OpensPerDayChart>(p => p.Add(c => c.Rows, rows).Add(c => c.Shown, ["alice", "bob"]).Add(c => c.Year, 2026).Add(c => c.Month, 3));

        var chart = new ChartSvg(cut.Find("figure.wk-chart"));
        Assert.Equal("Opens: 6", chart.Total);
        Assert.Equal(
            [("2 March 2026, alice: 3", "wk-series-0"), ("2 March 2026, Others: 1", OpensPerDayChart.OthersClass), ("3 March 2026, bob: 2", "wk-series-1")],
            chart.Bars.Select(b => (b.Title, b.Classes.Split(" ")[1])));
        var alice = chart.Bars.Single(b => b.Title.Contains("alice", StringComparison.Ordinal));
        var others = chart.Bars.Single(b => b.Title.Contains("Others", StringComparison.Ordinal));
        Assert.Equal(alice.Y, others.Y + others.Height, 3); // stacked: the others on top of alice
        chart.AssertProportional("y");
    }
}
