using System.Diagnostics;
using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WebKnock.Admin.Charts;
using WebKnock.Bench.Events;
using WebKnock.Events;
using WebKnock.Events.Geo;

// Fills a temporary store with a year of events through the gateway's own recorder and writer, then
// times each chart query. Usage: dotnet run -c Release [-- COUNT [GEO-FOLDER [BATCH-SIZE]]]
var count = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000;
var geoFolder = args.Length > 1 ? args[1] : "/usr/share/webknock/geoip";
const int Year = 2025;

var folder = Path.Combine(Path.GetTempPath(), "webknock-events-bench-" + Guid.NewGuid().ToString("N"));
var batchSize = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : new EventStoreOptions().BatchSize;
var options = Options.Create(new EventStoreOptions { Path = Path.Combine(folder, "events.db"), BatchSize = batchSize });
Console.WriteLine($"events: {count:N0}; store: {options.Value.Path}; batch {options.Value.BatchSize}, queue {options.Value.ChannelCapacity}");

var geo = new TorGeoIpDatabase(geoFolder, NullLogger<TorGeoIpDatabase>.Instance);
var watch = Stopwatch.StartNew();
Console.WriteLine($"country ranges: {geo.Count.V4:N0} IPv4, {geo.Count.V6:N0} IPv6 from {geoFolder}, loaded in {watch.ElapsedMilliseconds} ms");
using var countries = new CountryLookup(geo, options.Value.Geo.CacheSize);

var events = EventGenerator.Year(count, Year);
using var store = new EventStore(options, NullLogger<EventStore>.Instance);
var recorder = new EventRecorder(options, TimeProvider.System, NullLogger<EventRecorder>.Instance);
var writer = new EventWriter(store, recorder, countries, options, TimeProvider.System, NullLogger<EventWriter>.Instance);

// Ingest: the request path's Record() as fast as one thread can, waiting only when the queue is full
// (a benchmark wants every event stored, not dropped), until the writer has stored the last one.
await writer.StartAsync(CancellationToken.None);
var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
watch.Restart();
var capacity = options.Value.ChannelCapacity;
foreach (var e in events)
{
    if (recorder.Pending >= capacity)
    {
        // Full: let the writer have the CPU (two cores here) until half the queue is free.
        while (recorder.Pending > capacity / 2)
        {
            Thread.Sleep(1);
        }
    }

    recorder.Record(e);
}

await writer.StopAsync(CancellationToken.None);
var ingest = watch.Elapsed;
var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
Console.WriteLine($"ingest: {writer.Written:N0} events in {ingest.TotalSeconds:F2} s = {writer.Written / ingest.TotalSeconds:N0} events/s (dropped {recorder.Dropped}, lost {writer.Lost})");
Console.WriteLine($"ingest CPU: {cpu.TotalSeconds:F2} s of this process = {writer.Written / cpu.TotalSeconds:N0} events per CPU-second; machine load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
Console.WriteLine($"file: {new FileInfo(store.FilePath).Length / 1024.0 / 1024.0:F1} MiB (+ WAL)");

var analytics = new EventAnalytics(store);
var march = DayRange.Month(Year, 3);
var year = DayRange.Year(Year);
var someone = events.First(e => e.Type == GatewayEventType.LoginFailed).Address!;
string[] knockUsers = [.. analytics.UserActivity(march, 25).Users.Select(u => u.User)];
var queries = new (string Name, Func<int> Run)[]
{
    ("dropped attempts per day and port, a month", () => analytics.DroppedPerDay(march).Count),
    ("dropped attempts per day and port, a year", () => analytics.DroppedPerDay(year).Count),
    ("top 5 countries of dropped attempts, a month", () => analytics.TopCountries(march, 5).Count),
    ("top 5 countries of dropped attempts, a year", () => analytics.TopCountries(year, 5).Count),
    ("logins per month by user, a year", () => analytics.LoginsPerMonth(year, LoginGrouping.User).Count),
    ("logins per month by address, a year", () => analytics.LoginsPerMonth(year, LoginGrouping.Address).Count),
    ("logins per month by service, a year (ssh only)", () => analytics.LoginsPerMonth(year, LoginGrouping.Service, "ssh").Count),
    ("knocks per day completed/failed, a month", () => analytics.KnocksPerDay(march).Count),
    ("knocks per day completed/failed, a year", () => analytics.KnocksPerDay(year).Count),
    ("knock users of a month (25 most active)", () => analytics.UserActivity(march, 25).Users.Count),
    ("sign-ins through 25 users' windows, a month", () => analytics.SignInsThroughWindows(march, knockUsers).Count),
    ("opens per day, top 5 users and others, a month", () => analytics.OpensPerDay(march, [.. knockUsers.Take(5)]).Count),
    ("charts page, March, all services (7 queries)", () => Rows(ChartsData.Load(analytics, new ChartsSelection(Year, 3)))),
    ("charts page, March, ssh, logins by address (8 q.)", () => Rows(ChartsData.Load(analytics, new ChartsSelection(Year, 3, "ssh", LoginGrouping.Address)))),
    ("charts page, March, one knock user (7 queries)", () => Rows(ChartsData.Load(analytics, new ChartsSelection(Year, 3, User: "knock07")))),
    ("event list, newest 50 of all", () => analytics.ListEvents(new EventQuery()).Items.Count),
    ("event list, page 100 of all", () => analytics.ListEvents(new EventQuery { Page = 100 }).Items.Count),
    ("event list, failed logins", () => analytics.ListEvents(new EventQuery { Types = [GatewayEventType.LoginFailed] }).Items.Count),
    ("event list, one address", () => analytics.ListEvents(new EventQuery { Address = someone }).Items.Count),
    ("event list, one user in March", () => analytics.ListEvents(new EventQuery { User = "user07", From = new DateTimeOffset(Year, 3, 1, 0, 0, 0, TimeSpan.Zero), To = new DateTimeOffset(Year, 4, 1, 0, 0, 0, TimeSpan.Zero) }).Items.Count),
    ("event list, two types in a week", () => analytics.ListEvents(new EventQuery { Types = [GatewayEventType.WindowOpened, GatewayEventType.WindowClosed], From = new DateTimeOffset(Year, 6, 1, 0, 0, 0, TimeSpan.Zero), To = new DateTimeOffset(Year, 6, 8, 0, 0, 0, TimeSpan.Zero) }).Items.Count),
};

var slowest = 0.0;
Console.WriteLine();
Console.WriteLine($"{"query",-52} {"rows",6} {"first ms",9} {"median ms",10} {"max ms",7} {"cpu ms/run",11}");
foreach (var (name, run) in queries)
{
    watch.Restart();
    var rows = run();
    var first = watch.Elapsed.TotalMilliseconds;
    var times = new List<double>();

    // The CPU this process used per run (all threads): on a busy machine the wall clock measures the queue for a core.
    var cpuStart = Process.GetCurrentProcess().TotalProcessorTime;
    for (var i = 0; i < 5; i++)
    {
        watch.Restart();
        run();
        times.Add(watch.Elapsed.TotalMilliseconds);
    }

    var cpuPerRun = (Process.GetCurrentProcess().TotalProcessorTime - cpuStart).TotalMilliseconds / 5;
    times.Sort();
    Console.WriteLine($"{name,-52} {rows,6} {first,9:F1} {times[2],10:F1} {Math.Max(first, times[^1]),7:F1} {cpuPerRun,11:F1}");
    slowest = Math.Max(slowest, Math.Max(first, times[^1]));
}

Console.WriteLine($"slowest query or page (max of first and 5 runs): {slowest:F1} ms; target under 300 ms: {(slowest < 300 ? "met" : "NOT met")}");

watch.Restart();
var purged = store.PurgeBefore(new DateTimeOffset(Year, 2, 1, 0, 0, 0, TimeSpan.Zero));
Console.WriteLine();
Console.WriteLine($"retention purge of January: {purged:N0} events in {watch.ElapsedMilliseconds} ms");

SqliteConnection.ClearAllPools();
if (Environment.GetEnvironmentVariable("KEEP_STORE") is { Length: > 0 } keep)
{
    File.Copy(store.FilePath, keep, overwrite: true); // for EXPLAIN QUERY PLAN in sqlite3
}

Directory.Delete(folder, recursive: true);

static int Rows(ChartsData data) => data.Dropped.Count + data.Countries.Count + data.Knocks.Count + data.Logins.Count + data.Users.Users.Count + data.UserOpens.Count;
