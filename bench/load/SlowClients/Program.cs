using System.Globalization;
using WebKnock.Bench.SlowClients;

// slowclients URL [--connections N] [--seconds S] [--interval S] [--baseline S] [--rate R] [--timeout S]
// Phase 1: only the normal client, for --baseline seconds. Phase 2: --connections slow clients (each sends
// request headers one byte every --interval seconds, and opens a new connection when the server closes one) for
// --seconds, the normal client (--rate requests/s, each on a new connection, --timeout) running alongside.
// Prints both phases and a last line "RESULT key=value ..." for bench/load/run.sh.
if (args.Length == 0 || !Uri.TryCreate(args[0], UriKind.Absolute, out var target) || target.Scheme is not ("http" or "https"))
{
    Console.Error.WriteLine("usage: slowclients http(s)://HOST:PORT/PATH [--connections 500] [--seconds 60] [--interval 3] [--baseline 20] [--rate 10] [--timeout 10]");
    return 2;
}

var options = args.Skip(1).Chunk(2).ToDictionary(p => p[0].TrimStart('-'), p => double.Parse(p[1], CultureInfo.InvariantCulture));
double Option(string name, double fallback) => options.TryGetValue(name, out var v) ? v : fallback;
var connections = (int)Option("connections", 500);
var seconds = Option("seconds", 60);
var interval = Option("interval", 3);
var baseline = Option("baseline", 20);
var rate = Option("rate", 10);
var timeout = TimeSpan.FromSeconds(Option("timeout", 10));

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"normal client: {rate} requests/s, each on a new connection, {timeout.TotalSeconds} s timeout; {target}"));
var quiet = ProbeSummary.Of(await NormalProbe.RunAsync(target, TimeSpan.FromSeconds(baseline), rate, timeout));
Console.WriteLine($"normal requests, no slow clients ({baseline} s): {quiet}");

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"slow clients: {connections} connections, one header byte every {interval} s, reconnecting, for {seconds} s"));
var attack = SlowHeaderClients.RunAsync(new SlowClientOptions(target, connections, TimeSpan.FromSeconds(seconds), TimeSpan.FromSeconds(interval)));
var probe = NormalProbe.RunAsync(target, TimeSpan.FromSeconds(seconds), rate, timeout);
var slowConnections = await attack;
var loaded = ProbeSummary.Of(await probe);
var slow = SlowSummary.Of(slowConnections);
Console.WriteLine($"normal requests, {connections} slow clients ({seconds} s): {loaded}");
Console.WriteLine($"slow connections: {slow}");

var oldestOpen = slowConnections.Where(c => c.Established && c.ClosedByServerAfter is null).Select(c => seconds - c.Started.TotalSeconds).DefaultIfEmpty(0).Max();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"RESULT base_n={quiet.Count} base_ok={quiet.Succeeded} base_p50={quiet.P50Ms:F1} base_p99={quiet.P99Ms:F1} base_max={quiet.MaxMs:F1} "
    + $"slow_n={loaded.Count} slow_ok={loaded.Succeeded} slow_p50={loaded.P50Ms:F1} slow_p99={loaded.P99Ms:F1} slow_max={loaded.MaxMs:F1} "
    + $"conn_opened={slow.Opened} conn_established={slow.Established} conn_closed={slow.ClosedByServer} "
    + $"close_min={slow.CloseMinSeconds:F1} close_median={slow.CloseMedianSeconds:F1} close_max={slow.CloseMaxSeconds:F1} "
    + $"still_open={slow.StillOpen} oldest_open={oldestOpen:F1}"));
return 0;
