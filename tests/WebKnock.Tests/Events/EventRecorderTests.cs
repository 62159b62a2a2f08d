using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using WebKnock.Events;

namespace WebKnock.Tests.Events;

public sealed class EventRecorderTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 3, 9, 0, 0, TimeSpan.Zero));
    private readonly ListLogger<EventRecorder> _logger = new();

    [Fact]
    public void A_full_queue_drops_and_counts_without_blocking()
    {
        var recorder = Recorder(capacity: 100);

        var watch = Stopwatch.StartNew();
        for (var i = 0; i < 10_100; i++)
        {
            recorder.Record(Event(i));
        }

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"recording took {watch.Elapsed}");
        Assert.Equal(10_000, recorder.Dropped);
        Assert.Equal(100, recorder.Pending);
    }

    [Fact]
    public void Drops_are_logged_at_most_once_per_interval_with_the_counts()
    {
        var recorder = Recorder(capacity: 1);
        recorder.Record(Event(0));

        for (var i = 0; i < 5; i++)
        {
            recorder.Record(Event(i));
        }

        _time.Advance(TimeSpan.FromSeconds(59));
        recorder.Record(Event(6));
        _time.Advance(TimeSpan.FromSeconds(1));
        recorder.Record(Event(7));

        var logs = _logger.WithId(6010);
        Assert.Equal(2, logs.Count);
        Assert.Equal((1L, 1L), ((long)logs[0].Properties["Dropped"]!, (long)logs[0].Properties["Total"]!));
        Assert.Equal((6L, 7L), ((long)logs[1].Properties["Dropped"]!, (long)logs[1].Properties["Total"]!));
        Assert.Equal(GatewayEventType.DroppedAttempt, logs[1].Properties["Type"]);
    }

    [Fact]
    public void Many_threads_record_at_once_and_every_event_is_kept_or_counted()
    {
        var recorder = Recorder(capacity: 5_000);

        Parallel.For(0, 8, t =>
        {
            for (var i = 0; i < 2_000; i++)
            {
                recorder.Record(Event(i));
            }
        });

        Assert.Equal(16_000, recorder.Pending + recorder.Dropped);
        Assert.Equal(5_000, recorder.Pending);
    }

    [Fact]
    public void After_completion_late_events_are_not_reported_as_a_full_queue()
    {
        var recorder = Recorder(capacity: 10);

        recorder.Complete();
        recorder.Record(Event(1));

        Assert.Equal(0, recorder.Dropped);
        Assert.Empty(_logger.Entries);
    }

    private EventRecorder Recorder(int capacity) =>
        new(Options.Create(new EventStoreOptions { ChannelCapacity = capacity }), _time, _logger);

    private GatewayEvent Event(int i) =>
        new(_time.GetUtcNow(), GatewayEventType.DroppedAttempt, "webmail", IPAddress.Parse("192.0.2.1"), 443 + (i % 2));
}
