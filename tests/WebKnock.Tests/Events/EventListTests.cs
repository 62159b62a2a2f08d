using System.Net;
using WebKnock.Events;

namespace WebKnock.Tests.Events;

public sealed class EventListTests : IDisposable
{
    private readonly TestStore _store = new();
    private readonly EventAnalytics _analytics;

    public EventListTests()
    {
        _store.Store.Insert(GeneratedEvents.March2026());
        _store.Store.Insert(GeneratedEvents.Logins2026());
        _analytics = new EventAnalytics(_store.Store);
    }

    [Fact]
    public void Pages_are_newest_first_and_count_everything()
    {
        var first = _analytics.ListEvents(new EventQuery { PageSize = 10 });
        var second = _analytics.ListEvents(new EventQuery { PageSize = 10, Page = 2 });

        var total = GeneratedEvents.March2026().Count + GeneratedEvents.Logins2026().Count;
        Assert.Equal(total, first.Total);
        Assert.Equal((total + 9) / 10, first.Pages);
        Assert.Equal(10, first.Items.Count);
        Assert.Equal(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero), first.Items[0].Event.Time);
        var all = first.Items.Concat(second.Items).Select(i => (i.Event.Time, i.Id)).ToList();
        Assert.Equal(all.OrderByDescending(x => x.Time).ThenByDescending(x => x.Id), all);
        Assert.True(first.Items[^1].Event.Time >= second.Items[0].Event.Time);
    }

    [Fact]
    public void The_last_page_is_partial_and_pages_past_it_are_empty()
    {
        var query = new EventQuery { User = "bob", PageSize = 5 };

        Assert.Equal(12, _analytics.ListEvents(query).Total);
        Assert.Equal(2, _analytics.ListEvents(query with { Page = 3 }).Items.Count);
        Assert.Empty(_analytics.ListEvents(query with { Page = 4 }).Items);
    }

    [Fact]
    public void Type_address_user_and_dates_filter_together()
    {
        var page = _analytics.ListEvents(new EventQuery
        {
            Types = [GatewayEventType.LoginFailed, GatewayEventType.LoginSucceeded],
            Address = IPAddress.Parse("::ffff:203.0.113.9"),
            User = "bob",
            From = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero),
            To = new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero),
        });

        Assert.Equal(4, page.Total);
        Assert.All(page.Items, i => Assert.Equal(("bob", GatewayEventType.LoginFailed, IPAddress.Parse("203.0.113.9")), (i.Event.User, i.Event.Type, i.Event.Address)));
        Assert.Equal([4, 4, 3, 3], page.Items.Select(i => i.Event.Time.Month));
    }

    [Fact]
    public void Types_and_service_filter_alone()
    {
        Assert.Equal(16, _analytics.ListEvents(new EventQuery { Types = [GatewayEventType.KnockFailed] }).Total);
        Assert.Equal(12, _analytics.ListEvents(new EventQuery { Service = "ssh", Types = [GatewayEventType.LoginFailed] }).Total);
        Assert.Equal(0, _analytics.ListEvents(new EventQuery { User = "mallory' OR '1'='1" }).Total);
    }

    [Fact]
    public void The_time_range_includes_its_start_and_excludes_its_end()
    {
        var march = GeneratedEvents.March;
        var page = _analytics.ListEvents(new EventQuery { Types = [GatewayEventType.DroppedAttempt], From = march.AddMilliseconds(-1), To = march });

        Assert.Equal(1, page.Total);
        Assert.Equal("FR", page.Items[0].Event.Country);
    }

    [Fact]
    public void Page_and_page_size_are_kept_in_bounds()
    {
        var page = _analytics.ListEvents(new EventQuery { Page = 0, PageSize = 1_000_000 });

        Assert.Equal(1, page.Page);
        Assert.Equal(EventQuery.MaxPageSize, page.PageSize);
        Assert.Equal(page.Total, page.Items.Count);
    }

    public void Dispose() => _store.Dispose();
}
