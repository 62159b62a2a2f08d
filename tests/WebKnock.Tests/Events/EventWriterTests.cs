using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WebKnock.Events;
using WebKnock.Events.Geo;

namespace WebKnock.Tests.Events;

public sealed class EventWriterTests : IDisposable
{
    private readonly TestStore _store = new();

    [Fact]
    public async Task Recorded_events_are_stored_with_countries_and_the_queue_is_drained_on_stop()
    {
        var options = Options.Create(new EventStoreOptions { BatchSize = 7, ChannelCapacity = 1000 });
        var recorder = new EventRecorder(options, TimeProvider.System, NullLogger<EventRecorder>.Instance);
        var writer = new EventWriter(_store.Store, recorder, new FixedCountries(), options, TimeProvider.System, NullLogger<EventWriter>.Instance);
        var time = new DateTimeOffset(2026, 3, 3, 9, 0, 0, TimeSpan.Zero);

        await writer.StartAsync(CancellationToken.None);
        for (var i = 0; i < 100; i++)
        {
            recorder.Record(new GatewayEvent(time.AddSeconds(i), GatewayEventType.DroppedAttempt, "webmail", IPAddress.Parse("192.0.2.7"), 443));
        }

        recorder.Record(new GatewayEvent(time, GatewayEventType.LoginSucceeded, "webmail", IPAddress.Parse("192.0.2.8"), User: "alice") { Country = "NL" });
        recorder.Record(new GatewayEvent(time, GatewayEventType.AdminAction, Detail: "close all"));
        await writer.StopAsync(CancellationToken.None);

        // The 100 dropped attempts of one source in two minutes are two rows that count them all.
        Assert.Equal(4, _store.Store.Count());
        Assert.Equal(102, writer.Written);
        var countries = new EventAnalytics(_store.Store).ListEvents(new EventQuery { PageSize = 200 }).Items
            .GroupBy(i => i.Event.Country ?? "none").ToDictionary(g => g.Key, g => g.Sum(i => i.Event.Count));
        Assert.Equal(new Dictionary<string, int> { ["ZZ"] = 100, ["NL"] = 1, ["none"] = 1 }, countries);
    }

    [Fact]
    public void A_batch_the_store_refuses_is_counted_as_lost_and_logged()
    {
        var options = Options.Create(new EventStoreOptions());
        var logger = new ListLogger<EventWriter>();
        var path = Path.Combine(_store.Folder, "not-a-database");
        File.WriteAllText(path, "this is not SQLite, and it is long enough to have a header of its own ................");
        using var broken = new EventStore(path, NullLogger<EventStore>.Instance);
        var recorder = new EventRecorder(options, TimeProvider.System, NullLogger<EventRecorder>.Instance);
        var writer = new EventWriter(broken, recorder, new FixedCountries(), options, TimeProvider.System, logger);

        var ok = writer.WriteBatch([new GatewayEvent(DateTimeOffset.UnixEpoch, GatewayEventType.Blocked)]);

        Assert.False(ok);
        Assert.Equal(1, writer.Lost);
        Assert.Single(logger.WithId(6021));
    }

    public void Dispose() => _store.Dispose();

    private sealed class FixedCountries : ICountryLookup
    {
        public string? Lookup(IPAddress address) => "ZZ";
    }
}
