using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WebKnock.Configuration;

namespace WebKnock.Firewall.Nftables;

/// <summary>How full one of the table's sets is.</summary>
internal sealed record NftSetFill(string Set, int Elements, int Size)
{
    /// <summary>At or above this share a set counts as full: a knock, a ban or a window may find no room.</summary>
    public const double NearlyFull = 0.9;

    public double Ratio => Size == 0 ? 0 : (double)Elements / Size;

    public bool IsNearlyFull => Ratio >= NearlyFull;
}

/// <summary>
/// Reads WebKnock's table every <see cref="NftablesOptions.SetCheckInterval"/> on a libnftables context of its own
/// (a long listing never delays the writer): how full each set is, and the named counters (IPv4-mapped sources
/// dropped, knock SYNs turned away by a prefix's share). A set 90 % full or more is logged, at most once a minute,
/// shown in <c>/metrics</c> and makes <c>/healthz</c> degraded.
/// </summary>
internal sealed partial class NftablesSetMonitor : BackgroundService
{
    private static readonly TimeSpan LogEvery = TimeSpan.FromMinutes(1);

    private readonly Func<INftRunner> _contextFactory;
    private readonly string _table;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private readonly ILogger<NftablesSetMonitor> _logger;
    private DateTimeOffset _lastWarning = DateTimeOffset.MinValue;

    public NftablesSetMonitor(IOptions<WebKnockOptions> options, IOptions<NftablesOptions> nftables, TimeProvider time, ILogger<NftablesSetMonitor> logger)
        : this(() => new NftContext(), options.Value.Firewall.Table, nftables.Value.SetCheckInterval, time, logger)
    {
    }

    internal NftablesSetMonitor(Func<INftRunner> contextFactory, string table, TimeSpan interval, TimeProvider time, ILogger<NftablesSetMonitor> logger)
    {
        _contextFactory = contextFactory;
        _table = table;
        _interval = interval;
        _time = time;
        _logger = logger;
    }

    /// <summary>Every sized set at the last reading (empty before the first).</summary>
    public IReadOnlyList<NftSetFill> Sets { get; private set; } = [];

    /// <summary>The named counters at the last reading: packets by counter name.</summary>
    public IReadOnlyDictionary<string, long> Counters { get; private set; } = new Dictionary<string, long>();

    /// <summary>When the table was last read; null before the first reading.</summary>
    public DateTimeOffset? LastRead { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var context = _contextFactory();
        using var timer = new PeriodicTimer(_interval, _time);
        do
        {
            try
            {
                Read(context);
            }
            catch (NftablesException e)
            {
                // The table may be missing for a moment (the watchdog loads it again).
                LogReadFailed(_logger, _table, e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    /// <summary>Reads the table once and reports what is full.</summary>
    internal void Read(INftRunner context)
    {
        var (sets, counters) = Parse(context.Run($"list table inet {_table}", json: true));
        Sets = sets;
        Counters = counters;
        LastRead = _time.GetUtcNow();
        var full = sets.Where(s => s.IsNearlyFull).OrderByDescending(s => s.Ratio).ToList();
        if (full.Count > 0 && LastRead.Value - _lastWarning >= LogEvery)
        {
            _lastWarning = LastRead.Value;
            LogSetsFull(_logger, full.Count, full[0].Set, full[0].Elements, full[0].Size);
        }
    }

    /// <summary>The sets that have a size, and the named counters, of a JSON listing of the table.</summary>
    internal static (IReadOnlyList<NftSetFill> Sets, IReadOnlyDictionary<string, long> Counters) Parse(string json)
    {
        var sets = new List<NftSetFill>();
        var counters = new Dictionary<string, long>(StringComparer.Ordinal);
        using var document = JsonDocument.Parse(json);
        if (!document.RootElement.TryGetProperty("nftables", out var items) || items.ValueKind != JsonValueKind.Array)
        {
            return (sets, counters);
        }

        foreach (var item in items.EnumerateArray())
        {
            if (item.TryGetProperty("set", out var set) && set.TryGetProperty("size", out var size) && size.TryGetInt32(out var max))
            {
                var elements = set.TryGetProperty("elem", out var elem) && elem.ValueKind == JsonValueKind.Array ? elem.GetArrayLength() : 0;
                sets.Add(new NftSetFill(set.GetProperty("name").GetString() ?? "", elements, max));
            }
            else if (item.TryGetProperty("counter", out var counter) && counter.TryGetProperty("packets", out var packets))
            {
                counters[counter.GetProperty("name").GetString() ?? ""] = packets.GetInt64();
            }
        }

        return (sets, counters);
    }

    [LoggerMessage(EventId = 9100, Level = LogLevel.Warning, Message = "{Count} nftables sets are at least 90 % full; the fullest, {Set}, holds {Elements} of {Size}")]
    private static partial void LogSetsFull(ILogger logger, int count, string set, int elements, int size);

    [LoggerMessage(EventId = 9101, Level = LogLevel.Debug, Message = "Could not read nftables table {Table} for its set fill: {Error}")]
    private static partial void LogReadFailed(ILogger logger, string table, string error);
}
