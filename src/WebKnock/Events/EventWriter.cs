using Microsoft.Extensions.Options;
using WebKnock.Events.Geo;

namespace WebKnock.Events;

/// <summary>
/// Moves recorded events into the store off the request path: waits for the first, takes up to
/// <see cref="EventStoreOptions.BatchSize"/> more that are already queued, fills in countries, and
/// writes them in one transaction. Migrates the store at start (a store that cannot open stops the
/// start) and drains the queue when the host stops.
/// </summary>
internal sealed partial class EventWriter : BackgroundService
{
    private static readonly TimeSpan FailurePause = TimeSpan.FromSeconds(1);

    private readonly EventStore _store;
    private readonly EventRecorder _recorder;
    private readonly ICountryLookup _countries;
    private readonly TimeProvider _time;
    private readonly ILogger<EventWriter> _logger;
    private readonly int _batchSize;
    private readonly List<GatewayEvent> _batch;
    private long _written;
    private long _lost;

    public EventWriter(EventStore store, EventRecorder recorder, ICountryLookup countries, IOptions<EventStoreOptions> options, TimeProvider time, ILogger<EventWriter> logger)
    {
        _store = store;
        _recorder = recorder;
        _countries = countries;
        _time = time;
        _logger = logger;
        _batchSize = options.Value.BatchSize;
        _batch = new List<GatewayEvent>(_batchSize);
    }

    /// <summary>Events stored since the start.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Events lost because their batch could not be written.</summary>
    public long Lost => Interlocked.Read(ref _lost);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _store.Migrate();
        StoreOpened(_logger, _store.FilePath);
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _recorder.Complete();
        await base.StopAsync(cancellationToken);

        // The loop drains the completed queue; this covers a loop that never ran or was cut short.
        while (_recorder.Reader.Count > 0 && WriteAvailable())
        {
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // Not cancelled by stopping: the loop ends when the completed queue is empty.
            while (await _recorder.Reader.WaitToReadAsync(CancellationToken.None))
            {
                if (!WriteAvailable())
                {
                    await Task.Delay(FailurePause, _time, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping after a failed write: StopAsync tries once more.
        }
    }

    /// <summary>Writes one batch of what is queued; false when the write failed (the batch is lost and counted).</summary>
    private bool WriteAvailable()
    {
        lock (_batch)
        {
            _batch.Clear();
            while (_batch.Count < _batchSize && _recorder.Reader.TryRead(out var e))
            {
                _batch.Add(e);
            }

            return WriteBatch(_batch);
        }
    }

    /// <summary>Fills in countries and stores the batch; false when the store refused it.</summary>
    internal bool WriteBatch(List<GatewayEvent> batch)
    {
        if (batch.Count == 0)
        {
            return true;
        }

        for (var i = 0; i < batch.Count; i++)
        {
            if (batch[i] is { Country: null, Address: { } address } e)
            {
                batch[i] = e with { Country = _countries.Lookup(address) };
            }
        }

        try
        {
            _store.Insert(batch);
            Interlocked.Add(ref _written, batch.Count);
            return true;
        }
        catch (Exception ex)
        {
            var lost = Interlocked.Add(ref _lost, batch.Count);
            WriteFailed(_logger, ex, batch.Count, lost, _store.FilePath);
            return false;
        }
    }

    [LoggerMessage(6020, LogLevel.Information, "Event store {Path} open")]
    private static partial void StoreOpened(ILogger logger, string path);

    [LoggerMessage(6021, LogLevel.Error, "Could not store {Count} events ({Lost} lost in all) in {Path}")]
    private static partial void WriteFailed(ILogger logger, Exception exception, int count, long lost, string path);
}
