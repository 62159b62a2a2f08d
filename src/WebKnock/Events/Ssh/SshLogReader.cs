using Microsoft.Extensions.Options;

namespace WebKnock.Events.Ssh;

/// <summary>
/// Records the host's sshd logins (accepted, failed, invalid users) in the event store, from the
/// source that <see cref="EventStoreOptions.SshLog"/> names. A source that fails or ends is started
/// again after a pause; an empty setting turns the reader off.
/// </summary>
internal sealed partial class SshLogReader : BackgroundService
{
    public const string Journald = "journald";

    internal static readonly TimeSpan RestartDelay = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan FilePollInterval = TimeSpan.FromSeconds(1);

    private readonly ISshLogSource? _source;
    private readonly string _description;
    private readonly IEventRecorder _recorder;
    private readonly TimeProvider _time;
    private readonly ILogger<SshLogReader> _logger;
    private readonly SshLoginTranslator _translator = new();
    private readonly Operations.GatewayMetrics? _metrics;

    public SshLogReader(IOptions<EventStoreOptions> options, IEventRecorder recorder, TimeProvider time, ILoggerFactory loggers, Operations.GatewayMetrics? metrics = null)
        : this(CreateSource(options.Value.SshLog, time, loggers), options.Value.SshLog, recorder, time, loggers.CreateLogger<SshLogReader>(), metrics)
    {
    }

    internal SshLogReader(ISshLogSource? source, string description, IEventRecorder recorder, TimeProvider time, ILogger<SshLogReader> logger, Operations.GatewayMetrics? metrics = null)
    {
        _metrics = metrics;
        _source = source;
        _description = description;
        _recorder = recorder;
        _time = time;
        _logger = logger;
    }

    /// <summary>Lines that were sshd authentication messages, since the start.</summary>
    public long Recognised { get; private set; }

    internal static ISshLogSource? CreateSource(string setting, TimeProvider time, ILoggerFactory loggers) => setting.Trim() switch
    {
        "" => null,
        var s when s.Equals(Journald, StringComparison.OrdinalIgnoreCase) => new JournaldSource(loggers.CreateLogger<JournaldSource>()),
        var path => new SyslogFileSource(path, time, FilePollInterval),
    };

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_source is null)
        {
            return;
        }

        Reading(_logger, _description);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var line in _source.ReadAsync(stoppingToken))
                {
                    Handle(line);
                }

                SourceEnded(_logger, _description, RestartDelay);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                SourceFailed(_logger, ex, _description, RestartDelay);
            }

            try
            {
                await Task.Delay(RestartDelay, _time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    internal void Handle(SshLogLine line)
    {
        if (!SshLogParser.TryParse(line.Message, out var entry))
        {
            return;
        }

        Recognised++;
        foreach (var e in _translator.Translate(line, entry))
        {
            _recorder.Record(e);
            if (e.Type is GatewayEventType.LoginSucceeded or GatewayEventType.LoginFailed)
            {
                _metrics?.Login(e.Service ?? Knocking.ServiceNames.Ssh, e.Type == GatewayEventType.LoginSucceeded);
            }
        }
    }

    [LoggerMessage(6055, LogLevel.Information, "Reading sshd logins from {Source}")]
    private static partial void Reading(ILogger logger, string source);

    [LoggerMessage(6056, LogLevel.Warning, "The sshd log {Source} ended; reading again in {Delay}")]
    private static partial void SourceEnded(ILogger logger, string source, TimeSpan delay);

    [LoggerMessage(6057, LogLevel.Error, "Reading the sshd log {Source} failed; trying again in {Delay}")]
    private static partial void SourceFailed(ILogger logger, Exception exception, string source, TimeSpan delay);
}
