using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using WebKnock.Events;

namespace WebKnock.Tests.Events;

public sealed class EventRetentionTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 3, 3, 9, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);
    private readonly TestStore _store = new();
    private readonly ListLogger<EventRetention> _logger = new();

    [Fact]
    public async Task Events_older_than_the_retention_in_whole_days_are_purged_after_start_and_then_daily()
    {
        using var retention = new EventRetention(_store.Store, Options.Create(new EventStoreOptions { RetentionDays = 10 }), _time, _logger);
        var analytics = new EventAnalytics(_store.Store);
        var all = new DayRange(new DateOnly(2026, 1, 1), new DateOnly(2026, 12, 31));
        var feb21 = new DateTimeOffset(2026, 2, 21, 0, 0, 0, TimeSpan.Zero); // Start minus 10 days, at midnight
        _store.Store.Insert(
        [
            Dropped(feb21.AddMilliseconds(-1)),
            Dropped(feb21),
            Dropped(feb21.AddHours(23)),
            Dropped(feb21.AddDays(1)),
            Dropped(Start),
        ]);

        await retention.StartAsync(CancellationToken.None);
        Assert.Equal(5, _store.Store.Count()); // nothing before the first purge is due

        _time.Advance(EventRetention.FirstPurgeDelay);
        Assert.Equal(4, _store.Store.Count());
        Assert.Equal(1L, _logger.WithId(6030)[0].Properties["Count"]);
        Assert.Equal(feb21, _logger.WithId(6030)[0].Properties["Cutoff"]);
        Assert.Equal(4, analytics.DroppedPerDay(all).Sum(d => d.Count)); // the daily counts went with the events

        _time.Advance(TimeSpan.FromDays(1) - TimeSpan.FromSeconds(1));
        Assert.Equal(4, _store.Store.Count());

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2, _store.Store.Count());
        Assert.Equal(
            [new PortDayCount(new DateOnly(2026, 2, 22), 443, 1), new PortDayCount(new DateOnly(2026, 3, 3), 443, 1)],
            analytics.DroppedPerDay(all));

        await retention.StopAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromDays(30));
        Assert.Equal(2, _store.Store.Count());
    }

    private static GatewayEvent Dropped(DateTimeOffset time) => new(time, GatewayEventType.DroppedAttempt, Port: 443);

    public void Dispose() => _store.Dispose();
}
