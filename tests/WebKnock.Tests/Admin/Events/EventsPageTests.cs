using System.Globalization;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using WebKnock.Admin.Events;
using WebKnock.Events;
using WebKnock.Tests.Events;

namespace WebKnock.Tests.Admin.Events;

public sealed class EventsPageTests : BunitContext
{
    private static readonly List<GatewayEvent> All = [.. GeneratedEvents.March2026(), .. GeneratedEvents.Logins2026()];
    private readonly TestStore _store = new();

    public EventsPageTests()
    {
        _store.Store.Insert(All);
        Services.AddSingleton(new EventAnalytics(_store.Store));
    }

    [Fact]
    public void Without_a_filter_it_lists_the_newest_fifty_of_all_and_counts_them()
    {
        var cut = RenderAt("admin/events");

        var pages = (All.Count + 49) / 50;
        Assert.Equal($"{All.Count:N0} events, page 1 of {pages}", cut.Find(".wk-events-count").TextContent.Trim());
        var rows = Rows(cut);
        Assert.Equal(50, rows.Count);
        Assert.Equal("2027-01-01 00:00:00", rows[0][0]);
        Assert.Equal(All.OrderByDescending(e => e.Time).Take(50).Select(e => e.Time.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)), rows.Select(r => r[0]));
        Assert.Equal(["Time (UTC)", "Type", "Service", "Address", "Port", "Country", "User", "Detail"], cut.FindAll("table.wk-events thead th").Select(h => h.TextContent));
        Assert.Equal("get", cut.Find("form").GetAttribute("method"));
    }

    [Fact]
    public void The_query_string_fills_the_form_and_filters_by_type_and_user()
    {
        var cut = RenderAt("admin/events?type=LoginFailed&user=bob");

        Assert.Equal("LoginFailed", cut.Find("select[name=type] option[selected]").GetAttribute("value"));
        Assert.Equal("bob", cut.Find("input[name=user]").GetAttribute("value"));
        Assert.Equal("12 events", cut.Find(".wk-events-count").TextContent.Trim());
        var rows = Rows(cut);
        Assert.Equal(12, rows.Count);
        Assert.All(rows, r => Assert.Equal(("Login failed", "webmail", "203.0.113.9", "443", "bob"), (r[1], r[2], r[3], r[4], r[6])));
        Assert.Empty(cut.FindAll(".wk-pager")); // one page
    }

    [Fact]
    public void Address_service_and_whole_days_filter_both_days_included()
    {
        // March 31: 31 attempts at 443 and one at 22, plus the one just after March (April 1st, 00:00) is outside.
        var day = RenderAt("admin/events?type=DroppedAttempt&from=2026-03-31&to=2026-03-31");
        Assert.Equal("32 events", day.Find(".wk-events-count").TextContent.Trim());
        Assert.Equal("2026-03-31", day.Find("input[name=from]").GetAttribute("value"));

        var address = RenderAt("admin/events?address=203.0.113.9&service=webmail");
        Assert.Equal("webmail", address.Find("select[name=service] option[selected]").GetAttribute("value"));
        Assert.Equal($"{16 + 12} events", address.Find(".wk-events-count").TextContent.Trim()); // failed knocks on odd days and bob's failed logins
        Assert.All(Rows(address), r => Assert.Equal("203.0.113.9", r[3]));
    }

    [Fact]
    public void Pages_link_to_each_other_and_keep_the_filter()
    {
        var dropped = All.Where(e => e.Type == GatewayEventType.DroppedAttempt).OrderByDescending(e => e.Time).ToList();
        var cut = RenderAt("admin/events?type=DroppedAttempt&page=2");

        var pages = (dropped.Count + 49) / 50;
        Assert.Equal($"{dropped.Count} events, page 2 of {pages}", cut.Find(".wk-events-count").TextContent.Trim());
        Assert.Equal("/admin/events?type=DroppedAttempt&page=1", cut.Find(".wk-pager a.wk-previous").GetAttribute("href"));
        Assert.Equal("/admin/events?type=DroppedAttempt&page=3", cut.Find(".wk-pager a.wk-next").GetAttribute("href"));
        Assert.Equal($"Page 2 of {pages}", cut.Find(".wk-pager .wk-page").TextContent);
        Assert.Equal(dropped.Skip(50).Take(50).Select(e => e.Time.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)), Rows(cut).Select(r => r[0]));

        var first = RenderAt("admin/events?type=DroppedAttempt");
        Assert.Empty(first.FindAll(".wk-pager a.wk-previous"));
        Assert.Equal("true", first.Find(".wk-pager span.wk-previous").GetAttribute("aria-disabled"));
        Assert.Equal("/admin/events?type=DroppedAttempt&page=2", first.Find(".wk-pager a.wk-next").GetAttribute("href"));

        var last = RenderAt($"admin/events?type=DroppedAttempt&page={pages}");
        Assert.Empty(last.FindAll(".wk-pager a.wk-next"));
        Assert.Equal(dropped.Count - (50 * (pages - 1)), Rows(last).Count);
    }

    [Fact]
    public void IPv6_and_IPv4_mapped_addresses_are_read()
    {
        var mapped = RenderAt("admin/events?address=::ffff:203.0.113.9");
        Assert.Equal("28 events", mapped.Find(".wk-events-count").TextContent.Trim());

        var v6 = RenderAt("admin/events?address=2001:DB8:0::1");
        Assert.Equal("No events match.", v6.Find(".wk-empty").TextContent);
        Assert.Empty(v6.FindAll(".wk-errors"));
    }

    [Fact]
    public void A_page_past_the_end_says_how_many_there_are()
    {
        var cut = RenderAt("admin/events?user=bob&page=7");

        Assert.Equal("No events on page 7; there is 1 page.", cut.Find(".wk-empty").TextContent);
    }

    [Fact]
    public void Addresses_and_users_in_the_table_link_to_their_own_filter()
    {
        var cut = RenderAt("admin/events?type=LoginFailed&user=bob&page=1");

        var link = cut.Find("table.wk-events tbody tr td:nth-child(4) a");
        Assert.Equal("/admin/events?type=LoginFailed&user=bob&address=203.0.113.9", link.GetAttribute("href"));
        Assert.Equal("/admin/events?type=LoginFailed&user=bob", cut.Find("table.wk-events tbody tr td:nth-child(7) a").GetAttribute("href"));
    }

    [Theory]
    [InlineData("from=2026-13-01", "\"From\" must be a date as 2026-11-30 (UTC), not \"2026-13-01\".")]
    [InlineData("to=yesterday", "\"To\" must be a date as 2026-11-30 (UTC), not \"yesterday\".")]
    [InlineData("from=2026-04-01&to=2026-03-01", "\"From\" (2026-04-01) is after \"To\" (2026-03-01).")]
    [InlineData("address=203.0.113.0/24", "Give one address, not a network (\"203.0.113.0/24\").")]
    [InlineData("address=203.0.113", "\"203.0.113\" is not an IPv4 or IPv6 address.")]
    [InlineData("address=010.0.0.1", "\"010.0.0.1\" is not an IPv4 or IPv6 address.")]
    [InlineData("address=2001:db8::/32", "Give one address, not a network (\"2001:db8::/32\").")]
    [InlineData("type=Knock", "There is no event type \"Knock\".")]
    [InlineData("type=12", "There is no event type \"12\".")]
    [InlineData("service=ftp", "There is no service \"ftp\" (only webmail and ssh).")]
    [InlineData("page=0", "The page must be a whole number from 1, not \"0\".")]
    [InlineData("page=99999999999", "The page must be a whole number from 1, not \"99999999999\".")]
    [InlineData("user=a%09b", "A user name has at most 128 characters and no control characters, not \"a?b\".")]
    public void Bad_filter_values_are_messages_and_list_nothing(string query, string message)
    {
        var cut = RenderAt("admin/events?" + query);

        Assert.Equal([message], cut.FindAll(".wk-errors li").Select(e => e.TextContent));
        Assert.Equal("alert", cut.Find(".wk-errors").GetAttribute("role"));
        Assert.Empty(cut.FindAll("table.wk-events"));
        Assert.Empty(cut.FindAll(".wk-events-count"));
    }

    [Fact]
    public void A_user_name_is_trimmed_and_one_of_129_characters_is_refused()
    {
        Assert.Equal("No events on page 7; there is 1 page.", RenderAt("admin/events?user=%20bob%20&page=7").Find(".wk-empty").TextContent);

        var cut = RenderAt("admin/events?user=" + new string('b', 129));
        Assert.StartsWith("A user name has at most 128 characters", cut.Find(".wk-errors li").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("table.wk-events"));
        Assert.Equal(128, EventFilter.Parse(null, null, null, new string('b', 128), null, null, null).Query!.User!.Length);
    }

    [Fact]
    public void A_bad_date_keeps_what_was_typed_in_the_form()
    {
        var cut = RenderAt("admin/events?from=2026-02-30&user=alice&type=loginfailed&service=ssh");

        Assert.Equal("2026-02-30", cut.Find("input[name=from]").GetAttribute("value"));
        Assert.Equal("alice", cut.Find("input[name=user]").GetAttribute("value"));
        Assert.Equal("LoginFailed", cut.Find("select[name=type] option[selected]").GetAttribute("value"));
        Assert.Equal("ssh", cut.Find("select[name=service] option[selected]").GetAttribute("value"));
        Assert.Single(cut.FindAll(".wk-errors li"));
    }

    [Fact]
    public void Type_names_read_as_words()
    {
        Assert.Equal("Dropped attempt", EventFilter.TypeName(GatewayEventType.DroppedAttempt));
        Assert.Equal("Login failed", EventFilter.TypeName(GatewayEventType.LoginFailed));
        Assert.Equal("Blocked", EventFilter.TypeName(GatewayEventType.Blocked));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _store.Dispose();
        }

        base.Dispose(disposing);
    }

    private static List<List<string>> Rows(IRenderedComponent<EventsPage> cut) =>
        [.. cut.FindAll("table.wk-events tbody tr").Select(r => r.Children.Select(c => c.TextContent.Trim()).ToList())];

    private IRenderedComponent<EventsPage> RenderAt(string relative)
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo(relative);
        return Render<EventsPage>();
    }
}
