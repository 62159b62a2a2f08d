using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace WebKnock.Events;

/// <summary>
/// A bounded queue between the request path and the <see cref="EventWriter"/>. Recording is a
/// <c>TryWrite</c>: when the writer falls behind, events are dropped, counted, and reported at most
/// once per <see cref="EventStoreOptions.DropLogInterval"/>.
/// </summary>
internal sealed partial class EventRecorder : IEventRecorder
{
    private readonly Channel<GatewayEvent> _channel;
    private readonly TimeProvider _time;
    private readonly TimeSpan _dropLogInterval;
    private readonly ILogger<EventRecorder> _logger;
    private long _dropped;
    private long _droppedAtLastLog;
    private long _nextDropLogTicks = long.MinValue;
    private volatile bool _completed;

    public EventRecorder(IOptions<EventStoreOptions> options, TimeProvider time, ILogger<EventRecorder> logger)
    {
        var o = options.Value;
        _channel = Channel.CreateBounded<GatewayEvent>(new BoundedChannelOptions(o.ChannelCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // with TryWrite: refuse rather than evict
            SingleReader = false, // the writer's loop, and its final drain when the host stops
            SingleWriter = false,
        });
        _time = time;
        _dropLogInterval = o.DropLogInterval;
        _logger = logger;
    }

    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Events waiting for the writer.</summary>
    public int Pending => _channel.Reader.Count;

    internal ChannelReader<GatewayEvent> Reader => _channel.Reader;

    public void Record(GatewayEvent gatewayEvent)
    {
        if (_channel.Writer.TryWrite(gatewayEvent) || _completed)
        {
            return; // after completion the host is stopping: late events are not a full queue
        }

        var dropped = Interlocked.Increment(ref _dropped);
        var now = _time.GetUtcNow().UtcTicks;
        var next = Interlocked.Read(ref _nextDropLogTicks);
        if (now >= next && Interlocked.CompareExchange(ref _nextDropLogTicks, now + _dropLogInterval.Ticks, next) == next)
        {
            var since = dropped - Interlocked.Exchange(ref _droppedAtLastLog, dropped);
            EventsDropped(_logger, since, dropped, gatewayEvent.Type);
        }
    }

    /// <summary>No more events: the writer drains what is queued and stops.</summary>
    internal void Complete()
    {
        _completed = true;
        _channel.Writer.TryComplete();
    }

    [LoggerMessage(6010, LogLevel.Warning, "Event store queue full: dropped {Dropped} events since the last report ({Total} in all; the last a {Type})")]
    private static partial void EventsDropped(ILogger logger, long dropped, long total, GatewayEventType type);
}
