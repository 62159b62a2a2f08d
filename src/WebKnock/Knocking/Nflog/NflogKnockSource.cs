using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WebKnock.Configuration;

namespace WebKnock.Knocking.Nflog;

/// <summary>
/// Reads the kernel's knock and drop events from NFLOG and publishes them as <see cref="KnockEvent"/>s.
/// Malformed messages are counted and dropped; lost ones (ENOBUFS, gaps in the kernel's numbering) counted.
/// </summary>
internal sealed partial class NflogKnockSource : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    private readonly IKnockEventSink _sink;
    private readonly WebKnockOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<NflogKnockSource> _logger;
    private long _received;
    private long _malformed;
    private long _lost;
    private long _overruns;
    private long _ignored;
    private uint? _lastSequence;
    private volatile bool _reading;
    private long _lastReadTicks;

    private readonly WebKnock.Knocking.Spa.ISpaPacketSink? _spa;
    private readonly Totp.TotpKnocks? _totp;

    public NflogKnockSource(IKnockEventSink sink, IOptions<WebKnockOptions> options, TimeProvider time, ILogger<NflogKnockSource> logger,
        WebKnock.Knocking.Spa.ISpaPacketSink? spa = null, Totp.TotpKnocks? totp = null)
    {
        _totp = totp;
        _sink = sink;
        _spa = spa;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>NFLOG packet messages received.</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Messages that could not be parsed.</summary>
    public long Malformed => Interlocked.Read(ref _malformed);

    /// <summary>Messages the kernel logged that never arrived (gaps in its sequence numbers).</summary>
    public long Lost => Interlocked.Read(ref _lost);

    /// <summary>Times the socket overflowed (ENOBUFS).</summary>
    public long Overruns => Interlocked.Read(ref _overruns);

    /// <summary>Well-formed messages whose prefix is not one of WebKnock's.</summary>
    public long Ignored => Interlocked.Read(ref _ignored);

    /// <summary>
    /// Whether the read loop holds a bound socket and waits on it (false before the start, while it retries after a
    /// failure, and after it stopped): the liveness the health check reports.
    /// </summary>
    public bool IsReading => _reading && ExecuteTask is { IsCompleted: false };

    /// <summary>When the loop last received a datagram, or bound the group; null before that.</summary>
    public DateTimeOffset? LastRead => Interlocked.Read(ref _lastReadTicks) is var ticks and > 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    /// <summary>Completes once the group is bound (events logged from then on are seen).</summary>
    public Task Listening => _listening.Task;

    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var group = _options.Firewall.NflogGroup;
        var buffer = new byte[65536];
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                using var reader = NflogReader.Open(group);
                LogListening(_logger, group);
                Beat();
                _reading = true;
                _listening.TrySetResult();
                try
                {
                    await ReadAsync(reader, buffer, stoppingToken).ConfigureAwait(false);
                }
                finally
                {
                    _reading = false;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The kernel keeps enforcing without the reader; only the gateway's view is missing. Retry.
                LogReaderFailed(_logger, e, group);
                await Task.Delay(RetryDelay, _time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The read loop, on a thread of its own that blocks in recv: the kernel's message wakes this thread directly, and
    /// a TOTP knock is matched and its window queued to the nftables writer before the thread reads again, with no hop
    /// through the thread pool on the way (a knock waited for a pool thread twice). A blocked recv on a netlink socket
    /// does not end when the socket is closed, so the wait is bounded (<see cref="StopCheck"/>) and the loop looks at
    /// its token between waits: the gateway stops within that time.
    /// </summary>
    private Task ReadAsync(NflogReader reader, byte[] buffer, CancellationToken stoppingToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                ReadLoop(reader, buffer, stoppingToken);
                done.TrySetCanceled(stoppingToken);
            }
            catch (Exception e)
            {
                done.TrySetException(e);
            }
        })
        { IsBackground = true, Name = "NFLOG reader" };
        thread.Start();
        return done.Task;
    }

    /// <summary>The longest a stop waits for the read loop to notice it.</summary>
    internal static readonly TimeSpan StopCheck = TimeSpan.FromMilliseconds(250);

    private void ReadLoop(NflogReader reader, byte[] buffer, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            int received;
            try
            {
                if (!reader.TryReceive(buffer, StopCheck, out received))
                {
                    continue;
                }
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.NoBufferSpaceAvailable)
            {
                var overruns = Interlocked.Increment(ref _overruns);
                LogOverrun(_logger, overruns);
                Beat();
                continue;
            }

            Beat();
            ProcessDatagram(buffer.AsSpan(0, received));
        }
    }

    private void Beat() => Interlocked.Exchange(ref _lastReadTicks, _time.GetUtcNow().UtcTicks);

    /// <summary>Handles one datagram; public for tests, which feed it bytes instead of a socket.</summary>
    public void ProcessDatagram(ReadOnlySpan<byte> datagram)
    {
        var offset = 0;
        while (NetlinkMessages.TryNext(datagram, ref offset, out var message, out var malformed) || malformed)
        {
            if (malformed)
            {
                Interlocked.Increment(ref _malformed);
                break;
            }

            if (NetlinkMessages.Type(message) < NetlinkMessages.MinimumDataType)
            {
                continue;
            }

            Interlocked.Increment(ref _received);
            var result = NflogParser.Parse(message);
            if (result.Record is not { } record)
            {
                Interlocked.Increment(ref _malformed);
                LogMalformed(_logger, result.Failure ?? "");
                continue;
            }

            CountGap(record.Sequence);
            Publish(record);
        }
    }

    private void CountGap(uint? sequence)
    {
        if (sequence is not { } current)
        {
            return;
        }

        if (_lastSequence is { } last && current != unchecked(last + 1))
        {
            var missing = unchecked(current - last - 1);
            if (missing < int.MaxValue)
            {
                Interlocked.Add(ref _lost, missing);
                LogLost(_logger, missing);
            }
        }

        _lastSequence = current;
    }

    private void Publish(NflogRecord record)
    {
        if (record.UdpPayload is { } payload)
        {
            // An SPA packet: the payload goes to the SPA policy, which judges it off this loop.
            if (_spa is null || !_spa.Submit(new WebKnock.Knocking.Spa.SpaDatagram(record.Source, payload, record.Timestamp ?? _time.GetUtcNow())))
            {
                Interlocked.Increment(ref _ignored);
            }

            return;
        }

        if (NflogPrefix.IsTotp(record.Prefix, out var totpService))
        {
            if (_totp is null)
            {
                Interlocked.Increment(ref _ignored);
                return;
            }

            // The matching runs now, in the kernel's order; only the opening goes on asynchronously.
            _ = ObserveTotpAsync(totpService, new KnockPacket(record.Source, record.DestinationPort, record.Flags));
            return;
        }

        if (!NflogPrefix.TryParse(record.Prefix, out var kind, out var service, out var step))
        {
            Interlocked.Increment(ref _ignored);
            return;
        }

        if (kind == KnockEventKind.SequenceCompleted)
        {
            var ports = ServiceOptions(service)?.Knock.Ports ?? [];
            step = Array.IndexOf(ports, record.DestinationPort) + 1;
            step = step > 0 ? step : ports.Length;
        }

        var knock = new KnockEvent(kind, service, record.Source, record.DestinationPort, step, record.Timestamp ?? _time.GetUtcNow());
        LogEvent(_logger, knock.Kind, knock.Service, knock.Source, knock.Port, knock.Step);
        try
        {
            _sink.Publish(knock);
        }
        catch (Exception e)
        {
            LogSinkFailed(_logger, e, knock.Kind, knock.Source);
        }
    }

    private async Task ObserveTotpAsync(string service, KnockPacket packet)
    {
        try
        {
            await _totp!.ObserveAsync(service, packet);
        }
        catch (Exception e)
        {
            LogSinkFailed(_logger, e, KnockEventKind.SequenceCompleted, packet.Source);
        }
    }

    private ServiceOptions? ServiceOptions(string service) => service switch
    {
        "webmail" => _options.Webmail,
        "ssh" => _options.Ssh,
        _ => null,
    };
}
