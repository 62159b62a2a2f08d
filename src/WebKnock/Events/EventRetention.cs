using Microsoft.Extensions.Options;

namespace WebKnock.Events;

/// <summary>
/// Keeps the store to <see cref="EventStoreOptions.RetentionDays"/> whole UTC days: a purge a minute
/// after the start, then once a day, on the injected clock.
/// </summary>
internal sealed partial class EventRetention : IHostedService, IDisposable
{
    internal static readonly TimeSpan FirstPurgeDelay = TimeSpan.FromMinutes(1);
    internal static readonly TimeSpan Period = TimeSpan.FromDays(1);

    private readonly EventStore _store;
    private readonly TimeProvider _time;
    private readonly TimeSpan _retention;
    private readonly ILogger<EventRetention> _logger;
    private ITimer? _timer;
    private int _running;

    public EventRetention(EventStore store, IOptions<EventStoreOptions> options, TimeProvider time, ILogger<EventRetention> logger)
    {
        _store = store;
        _time = time;
        _retention = TimeSpan.FromDays(options.Value.RetentionDays);
        _logger = logger;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _timer = _time.CreateTimer(_ => Purge(), null, FirstPurgeDelay, Period);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        return Task.CompletedTask;
    }

    /// <summary>Deletes what is older than the retention; returns how many events (0 while another purge runs).</summary>
    internal long Purge()
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            return 0;
        }

        try
        {
            // Whole UTC days, so that the daily counts and the events stay equal.
            var cutoff = new DateTimeOffset((_time.GetUtcNow() - _retention).UtcDateTime.Date, TimeSpan.Zero);
            var deleted = _store.PurgeBefore(cutoff);
            Purged(_logger, deleted, cutoff);
            return deleted;
        }
        catch (Exception ex)
        {
            PurgeFailed(_logger, ex, _store.FilePath);
            return 0;
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    public void Dispose() => _timer?.Dispose();

    [LoggerMessage(6030, LogLevel.Information, "Purged {Count} events older than {Cutoff} from the event store")]
    private static partial void Purged(ILogger logger, long count, DateTimeOffset cutoff);

    [LoggerMessage(6031, LogLevel.Error, "Purging old events from {Path} failed; trying again tomorrow")]
    private static partial void PurgeFailed(ILogger logger, Exception exception, string path);
}
