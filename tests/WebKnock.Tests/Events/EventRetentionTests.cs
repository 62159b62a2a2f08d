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
    public async Task Events_older_than_the_retention_are_purged_after_start_and_then_daily()
    {
        using var retention = new EventRetention(_store.Store, Options.Create(new EventStoreOptions { RetentionDays = 10 }), _time, _logger);
        _store.Store.Insert(
        [
            Dropped(Start.AddDays(-11)),
            Dropped(Start.AddDays(-10).AddMinutes(-1)),
            Dropped(Start.AddDays(-10).AddMinutes(5)),
            Dropped(Start.AddDays(-9)),
            Dropped(Start),
        ]);

        await retention.StartAsync(CancellationToken.None);
        Assert.Equal(5, _store.Store.Count()); // nothing before the first purge is due

        _time.Advance(EventRetention.FirstPurgeDelay);
        Assert.Equal(3, _store.Store.Count());
        Assert.Equal(2L, _logger.WithId(6030)[0].Properties["Count"]);

        _time.Advance(TimeSpan.FromDays(1) - TimeSpan.FromSeconds(1));
        Assert.Equal(3, _store.Store.Count());

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, _store.Store.Count());

        await retention.StopAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromDays(30));
        Assert.Equal(1, _store.Store.Count());
    }

    private static GatewayEvent Dropped(DateTimeOffset time) => new(time, GatewayEventType.DroppedAttempt, Port: 443);

    public void Dispose() => _store.Dispose();
}
