using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WebKnock.Admin.Charts;
using WebKnock.Events;
using WebKnock.Tests.Events;

namespace WebKnock.Tests.Admin.Charts;

public sealed class ChartsPageTests : BunitContext
{
    private readonly TestStore _store = new();

    public ChartsPageTests()
    {
        _store.Store.Insert(GeneratedEvents.March2026());
        _store.Store.Insert(GeneratedEvents.Logins2026());
        Services.AddSingleton(new EventAnalytics(_store.Store));
        Services.AddSingleton<WebKnock.Knocking.Users.IKnockUsers>(new KnockUserList());
        Services.AddSingleton<TimeProvider>(new FakeTimeProvider(new DateTimeOffset(2026, 3, 20, 23, 30, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void Without_a_choice_it_shows_the_current_month_and_year_for_every_service()
    {
        var cut = RenderAt("admin/charts");

        Assert.Equal("3", cut.Find("select[name=month] option[selected]").GetAttribute("value"));
        Assert.Equal("2026", cut.Find("input[name=year]").GetAttribute("value"));
        Assert.Equal("", cut.Find("select[name=service] option[selected]").GetAttribute("value"));
        Assert.Equal("user", cut.Find("select[name=group] option[selected]").GetAttribute("value"));
        Assert.Equal("get", cut.Find("form").GetAttribute("method"));

        var figures = cut.FindAll("figure.wk-chart");
        Assert.Equal("Total: 527", ChartSvg.Find(figures, "Dropped attempts per day, March 2026").Total);
        Assert.Equal("Total: 527", ChartSvg.Find(figures, "Top 7 countries of dropped attempts, March 2026").Total); // only 7 distinct countries in March, fewer than the 10 asked for
        Assert.Equal($"Total: {Enumerable.Range(1, 31).Sum(d => d % 4) + 16}", ChartSvg.Find(figures, "Knocks per day, March 2026").Total);
        Assert.Equal("Total: 90", ChartSvg.Find(figures, "Logins per month at webmail, 2026").Total);
        Assert.Equal("Total: 12", ChartSvg.Find(figures, "Logins per month at ssh, 2026").Total);
        Assert.Empty(cut.FindAll(".wk-errors"));
    }

    [Fact]
    public void The_query_string_chooses_month_year_service_and_grouping()
    {
        var cut = RenderAt("admin/charts?year=2026&month=3&service=ssh&group=address");

        Assert.Equal("ssh", cut.Find("select[name=service] option[selected]").GetAttribute("value"));
        Assert.Equal("address", cut.Find("select[name=group] option[selected]").GetAttribute("value"));
        var figures = cut.FindAll("figure.wk-chart");
        Assert.Equal("Total: 31", ChartSvg.Find(figures, "Dropped attempts per day at ssh, March 2026").Total);
        Assert.Equal("No knocks at ssh in March 2026", figures.Single(f => f.TextContent.Contains("Knocks", StringComparison.Ordinal)).QuerySelector(".wk-chart-empty-text")!.TextContent);

        // The countries are of every service, and say so; their shares are of all 527 attempts.
        var countries = ChartSvg.Find(figures, "Top 7 countries of dropped attempts, March 2026, all services");
        Assert.Equal("Total: 527", countries.Total);

        // Only the ssh logins, by address.
        Assert.DoesNotContain(figures, f => f.TextContent.Contains("webmail", StringComparison.Ordinal));
        Assert.Equal("198.51.100.2", cut.Find("table.wk-logins-table tbody th").TextContent);
    }

    [Fact]
    public void A_month_without_events_shows_every_empty_state()
    {
        var cut = RenderAt("admin/charts?year=2026&month=11");

        var empty = cut.FindAll(".wk-chart-empty-text").Select(e => e.TextContent).ToList();
        Assert.Contains("No dropped attempts in November 2026", empty);
        Assert.Contains("No knocks in November 2026", empty);
        Assert.Equal(2, empty.Count(e => e == "No dropped attempts in November 2026")); // per day and by country

        // The logins are of the year, which has some.
        Assert.Equal("Total: 90", ChartSvg.Find(cut.FindAll("figure.wk-chart"), "Logins per month at webmail, 2026").Total);
    }

    [Fact]
    public void Bad_values_are_messages_and_the_defaults_are_shown()
    {
        var cut = RenderAt("admin/charts?year=abc&month=13&service=ftp&group=country");

        var errors = cut.FindAll(".wk-errors li").Select(e => e.TextContent).ToList();
        Assert.Equal(
            [
                "The year must be a number from 1970 to 9998, not \"abc\"; showing 2026.",
                "The month must be a number from 1 to 12, not \"13\"; showing March.",
                "There is no service \"ftp\" (only webmail and ssh); showing all.",
                "Logins are grouped by user or address, not \"country\"; showing users.",
            ],
            errors);
        Assert.Equal("alert", cut.Find(".wk-errors").GetAttribute("role"));
        Assert.Equal("Total: 527", ChartSvg.Find(cut.FindAll("figure.wk-chart"), "Dropped attempts per day, March 2026").Total);
    }

    [Theory]
    [InlineData("year=0")]
    [InlineData("year=9999&month=12")]
    [InlineData("year=99999999999999999999")]
    [InlineData("year=-2026")]
    [InlineData("month=0")]
    [InlineData("month=%20")]
    [InlineData("year=2026&month=3&month=4")]
    public void Odd_values_never_throw(string query)
    {
        var cut = RenderAt("admin/charts?" + query);

        Assert.NotEmpty(cut.FindAll("figure.wk-chart"));
    }

    [Fact]
    public void Links_to_the_months_before_and_after_keep_the_other_choices()
    {
        var cut = RenderAt("admin/charts?year=2026&month=1&service=webmail&group=address");

        Assert.Equal("/admin/charts?year=2025&month=12&service=webmail&group=address", cut.Find("a.wk-previous").GetAttribute("href"));
        Assert.Equal("December 2025", cut.Find("a.wk-previous").TextContent.TrimStart('\u2190', ' '));
        Assert.Equal("/admin/charts?year=2026&month=2&service=webmail&group=address", cut.Find("a.wk-next").GetAttribute("href"));
    }

    [Fact]
    public void The_last_month_the_page_can_show_has_no_next_link()
    {
        var cut = RenderAt("admin/charts?year=9998&month=12");

        Assert.Empty(cut.FindAll("a.wk-next"));
        Assert.Equal("/admin/charts?year=9998&month=11", cut.Find("a.wk-previous").GetAttribute("href"));
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
