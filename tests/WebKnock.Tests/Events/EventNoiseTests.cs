using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using WebKnock.Events;

namespace WebKnock.Tests.Events;

/// <summary>
/// Noise from one source is one row a minute with a count, the charts still count every occurrence, and the store
/// never holds more than its MaxRows.
/// </summary>
public sealed class EventNoiseTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);
    private static readonly IPAddress Scanner = IPAddress.Parse("198.51.100.70");
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Noise_from_one_source_is_one_row_a_minute_with_its_count_and_the_charts_count_every_occurrence()
    {
        using var store = new EventStore(_folder.File("events.db"), NullLogger<EventStore>.Instance);
        var events = new List<GatewayEvent>();
        for (var i = 0; i < 120; i++)
        {
            // Two a second for a minute, in batches of 7 as the writer takes them.
            events.Add(new GatewayEvent(T0.AddMilliseconds(i * 500), GatewayEventType.DroppedAttempt, "webmail", Scanner, 443) { Country = "ZZ" });
        }

        events.Add(new GatewayEvent(T0.AddSeconds(30), GatewayEventType.DroppedAttempt, "webmail", IPAddress.Parse("198.51.100.71"), 443) { Country = "ZZ" });
        events.Add(new GatewayEvent(T0.AddSeconds(31), GatewayEventType.LoginFailed, "webmail", Scanner, User: "alice"));
        events.Add(new GatewayEvent(T0.AddSeconds(32), GatewayEventType.LoginFailed, "webmail", Scanner, User: "alice"));
        events.Add(new GatewayEvent(T0.AddSeconds(61), GatewayEventType.DroppedAttempt, "webmail", Scanner, 443) { Country = "ZZ" });
        foreach (var batch in events.OrderBy(e => e.Time).Chunk(7))
        {
            store.Insert(batch);
        }

        var analytics = new EventAnalytics(store);
        var page = analytics.ListEvents(new EventQuery { PageSize = 100 });
        var dropped = page.Items.Where(s => s.Event.Type == GatewayEventType.DroppedAttempt).ToList();
        Assert.Equal(3, dropped.Count); // the scanner's two minutes, the other source
        Assert.Equal(120, dropped.Single(s => s.Event.Address!.Equals(Scanner) && s.Event.Time == T0).Event.Count);
        Assert.Equal(2, page.Items.Count(s => s.Event.Type == GatewayEventType.LoginFailed)); // a login is never merged
        Assert.Equal(5, page.Total);

        var day = DateOnly.FromDateTime(T0.UtcDateTime);
        Assert.Equal(122, analytics.DroppedPerDay(new DayRange(day, day)).Sum(r => r.Count));
        Assert.Equal(122, analytics.TopCountries(new DayRange(day, day)).Single(c => c.Country == "ZZ").Count);
    }

    [Fact]
    public void Past_MaxRows_the_oldest_rows_go_first_and_the_daily_counts_stay()
    {
        using var store = new EventStore(_folder.File("capped.db"), NullLogger<EventStore>.Instance, maxRows: 1000);
        for (var batch = 0; batch < 10; batch++)
        {
            // Distinct sources (spoofed): nothing to merge, a row each.
            store.Insert([.. Enumerable.Range(0, 500).Select(i => new GatewayEvent(
                T0.AddSeconds((batch * 500) + i), GatewayEventType.DroppedAttempt, "webmail", IPAddress.Parse($"10.{batch}.{i / 256}.{i % 256}"), 443) { Country = "ZZ" })]);
            Assert.InRange(store.Count(), 1, 1000);
        }

        var analytics = new EventAnalytics(store);
        var newest = analytics.ListEvents(new EventQuery { PageSize = 1 }).Items.Single();
        Assert.Equal(T0.AddSeconds(4999), newest.Event.Time);
        var oldestKept = analytics.ListEvents(new EventQuery { PageSize = 1, Page = (int)store.Count() }).Items.Single();
        Assert.True(oldestKept.Event.Time >= T0.AddSeconds(5000 - 1000), "a newer row went before an older one");
        var days = new DayRange(DateOnly.FromDateTime(T0.UtcDateTime), DateOnly.FromDateTime(T0.UtcDateTime));
        Assert.Equal(5000, analytics.DroppedPerDay(days).Sum(r => r.Count));
    }
}
