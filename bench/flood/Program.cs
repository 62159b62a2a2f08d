using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Serilog;
using Serilog.Extensions.Logging;
using Serilog.Formatting.Compact;
using WebKnock.Events;
using WebKnock.Events.Geo;
using WebKnock.Knocking;

// A spoofed flood at the kernel's NFLOG budget (NoiseLogRatePerSecond, 50/s by default), fed at full speed through
// the gateway's own knock event path twice side by side: a baseline configured as before (no row cap, a log file
// rolled daily without a size limit) and the bounded configuration. Prints the disk use every simulated interval.
// Usage: dotnet run -c Release [-- HOURS [RATE [MAX-ROWS [LOG-FILE-BYTES [LOG-FILES [SOURCES]]]]]]
//   SOURCES: "spoofed" (every packet from a new random address, the worst case) or "one" (one address).
var inv = CultureInfo.InvariantCulture;
var hours = args.Length > 0 ? double.Parse(args[0], inv) : 1;
var rate = args.Length > 1 ? int.Parse(args[1], inv) : 50;
var maxRows = args.Length > 2 ? long.Parse(args[2], inv) : new EventStoreOptions().MaxRows;
var logBytes = args.Length > 3 ? long.Parse(args[3], inv) : 32L * 1024 * 1024;
var logFiles = args.Length > 4 ? int.Parse(args[4], inv) : 16;
var spoofed = args.Length <= 5 || args[5] != "one";
var total = (long)(hours * 3600 * rate);
var every = TimeSpan.FromMinutes(hours <= 1 ? 5 : 30);

var root = Path.Combine(Path.GetTempPath(), "webknock-flood-bench-" + Guid.NewGuid().ToString("N"));
Console.WriteLine($"flood: {total:N0} events = {hours} h at {rate}/s, sources {(spoofed ? "spoofed (a new address each packet)" : "one address")}; feed at full speed");
Console.WriteLine($"baseline: no row cap, log rolled daily without a size limit (the configuration before)");
Console.WriteLine($"bounded:  WebKnock:Events:MaxRows={maxRows:N0}, log {logBytes / 1048576.0:0.#} MiB x {logFiles} files");
Console.WriteLine($"folder: {root}");

var baseline = new Pipeline(Path.Combine(root, "baseline"), 0, null, 31);
var bounded = new Pipeline(Path.Combine(root, "bounded"), maxRows, logBytes, logFiles);
await baseline.StartAsync();
await bounded.StartAsync();

var start = new DateTimeOffset(2026, 12, 3, 0, 0, 0, TimeSpan.Zero);
var random = new Random(12345);
var one = IPAddress.Parse("198.51.100.99");
var watch = Stopwatch.StartNew();
var next = every;
Console.WriteLine();
Console.WriteLine($"{"sim. time",9} {"events",10} | {"base rows",10} {"DB MiB",7} {"WAL MiB",8} {"log MiB",8} | {"rows",9} {"DB MiB",7} {"WAL MiB",8} {"log MiB",8} {"files",5}");
for (long i = 0; i < total; i++)
{
    var time = start + TimeSpan.FromTicks(i * TimeSpan.TicksPerSecond / rate);
    var source = spoofed ? new IPAddress(BitConverter.GetBytes(0x0A000000u | (uint)random.Next(1 << 24)).Reverse().ToArray()) : one;
    // What a spoofed flood makes of the knock ports and the protected port: wrong knocks, first steps, drops.
    var e = (i % 10) switch
    {
        < 5 => new KnockEvent(KnockEventKind.DroppedAttempt, "webmail", source, 443, 0, time),
        < 8 => new KnockEvent(KnockEventKind.WrongOrder, "webmail", source, 9000, 0, time),
        _ => new KnockEvent(KnockEventKind.StepHit, "webmail", source, 7000, 1, time),
    };
    baseline.Publish(e);
    bounded.Publish(e);
    if (time - start >= next || i == total - 1)
    {
        baseline.WaitWritten();
        bounded.WaitWritten();
        var b = baseline.Sizes();
        var n = bounded.Sizes();
        Console.WriteLine($"{(time - start).TotalHours,7:0.00} h {i + 1,10:N0} | {b.Rows,10:N0} {b.DbMiB,7:F1} {b.WalMiB,8:F1} {b.LogMiB,8:F1} | {n.Rows,9:N0} {n.DbMiB,7:F1} {n.WalMiB,8:F1} {n.LogMiB,8:F1} {n.LogFiles,5}");
        next += every;
    }
}

await baseline.StopAsync();
await bounded.StopAsync();
var bs = baseline.Sizes();
var ns = bounded.Sizes();
Console.WriteLine();
Console.WriteLine($"fed {total:N0} events twice in {watch.Elapsed.TotalSeconds:F1} s; lost or dropped: baseline {baseline.Lost}, bounded {bounded.Lost}");
Console.WriteLine($"bytes per stored row (baseline DB file / rows): {bs.DbMiB * 1048576 / Math.Max(bs.Rows, 1):F0}");
Console.WriteLine($"daily counts (charts) of dropped attempts: baseline {baseline.Dropped():N0}, bounded {bounded.Dropped():N0} (fed {total / 2:N0})");
Console.WriteLine($"end: baseline {bs.DbMiB + bs.WalMiB + bs.LogMiB:F1} MiB on disk, bounded {ns.DbMiB + ns.WalMiB + ns.LogMiB:F1} MiB");
if (Environment.GetEnvironmentVariable("KEEP") is null)
{
    Directory.Delete(root, recursive: true);
}

/// <summary>The gateway's knock event path into its own folder: dispatcher (log lines), recorder, writer, store.</summary>
internal sealed class Pipeline
{
    private readonly string _folder;
    private readonly EventStore _store;
    private readonly EventRecorder _recorder;
    private readonly EventWriter _writer;
    private readonly KnockEventDispatcher _dispatcher;
    private readonly Serilog.Core.Logger _log;
    private readonly int _capacity;
    private long _published;

    public Pipeline(string folder, long maxRows, long? logBytes, int logFiles)
    {
        _folder = folder;
        Directory.CreateDirectory(Path.Combine(folder, "logs"));
        var options = Options.Create(new EventStoreOptions { Path = Path.Combine(folder, "events.db"), MaxRows = maxRows });
        _capacity = options.Value.ChannelCapacity;
        _store = new EventStore(options, NullLogger<EventStore>.Instance);
        _recorder = new EventRecorder(options, TimeProvider.System, NullLogger<EventRecorder>.Instance);
        _writer = new EventWriter(_store, _recorder, new NoCountries(), options, TimeProvider.System, NullLogger<EventWriter>.Instance);
        // The gateway's file sink as configured (appsettings: Information and up), before and after.
        _log = new LoggerConfiguration().MinimumLevel.Information()
            .WriteTo.File(new CompactJsonFormatter(), Path.Combine(folder, "logs", "webknock-.json"), rollingInterval: RollingInterval.Day,
                fileSizeLimitBytes: logBytes, rollOnFileSizeLimit: logBytes is not null, retainedFileCountLimit: logFiles)
            .CreateLogger();
        var factory = new SerilogLoggerFactory(_log);
        _dispatcher = new KnockEventDispatcher([new KnockEventRecorder(_recorder)], factory.CreateLogger<KnockEventDispatcher>());
    }

    public long Lost => _recorder.Dropped + _writer.Lost;

    public Task StartAsync() => _writer.StartAsync(CancellationToken.None);

    public async Task StopAsync()
    {
        await _writer.StopAsync(CancellationToken.None);
        await _log.DisposeAsync();
    }

    public void Publish(KnockEvent e)
    {
        while (_recorder.Pending >= _capacity)
        {
            Thread.Sleep(1); // a benchmark wants every event stored: let the writer catch up
        }

        _dispatcher.Publish(e);
        _published++;
    }

    public void WaitWritten()
    {
        while (_writer.Written + _writer.Lost < _published)
        {
            Thread.Sleep(5);
        }
    }

    public (long Rows, double DbMiB, double WalMiB, double LogMiB, int LogFiles) Sizes()
    {
        var db = new FileInfo(Path.Combine(_folder, "events.db")).Length;
        var wal = new DirectoryInfo(_folder).GetFiles("events.db-*").Sum(f => f.Length);
        var logs = new DirectoryInfo(Path.Combine(_folder, "logs")).GetFiles();
        return (_store.Count(), db / 1048576.0, wal / 1048576.0, logs.Sum(f => f.Length) / 1048576.0, logs.Length);
    }

    public long Dropped()
    {
        var day = new DateOnly(2026, 12, 3);
        return new EventAnalytics(_store).DroppedPerDay(new DayRange(day, day.AddDays(400))).Sum(r => r.Count);
    }

    private sealed class NoCountries : ICountryLookup
    {
        public string? Lookup(IPAddress address) => "unknown";
    }
}
