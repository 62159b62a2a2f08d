using System.Globalization;

namespace PageLoad;

internal static class Report
{
    private static readonly (string Name, Func<SessionResult, double> Of)[] Pages =
    [
        ("login page", r => r.Login),
        ("inbox after sign-in", r => r.Inbox),
        ("message", r => r.Message),
    ];

    public static void Print(BenchOptions options, IReadOnlyDictionary<string, List<SessionResult>> results, IReadOnlyDictionary<string, int> failures)
    {
        var names = options.Targets.Select(t => t.Name).ToArray();
        var baseline = names[^1]; // the last target is the reference (nginx)
        Console.WriteLine();
        Console.WriteLine($"page load in ms, {options.Rounds} sessions per proxy (each a fresh browser context), interleaved; ratio = {string.Join("/", names)}");
        Console.WriteLine($"sessions that failed (a timeout; not counted): {string.Join(", ", names.Select(n => $"{n} {failures[n]}"))}");
        Console.WriteLine($"{"page",-22} {"proxy",-9} {"median",8} {"p95",8} {"min",8} {"max",8}");
        foreach (var (page, of) in Pages)
        {
            foreach (var name in names)
            {
                var values = results[name].Select(of).ToArray();
                Console.WriteLine($"{page,-22} {name,-9} {Median(values),8:F0} {Percentile(values, 95),8:F0} {values.Min(),8:F0} {values.Max(),8:F0}");
            }

            foreach (var name in names.Where(n => n != baseline))
            {
                var mine = results[name].Select(of).ToArray();
                var theirs = results[baseline].Select(of).ToArray();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{page,-22} {name + "/" + baseline,-18} median {Median(mine) / Median(theirs):F2}x  p95 {Percentile(mine, 95) / Percentile(theirs, 95):F2}x"));
            }
        }

        Console.WriteLine();
        Console.WriteLine("requests per session (median, min-max): all, to the gateway's own /.webknock/ paths, documents; protocol of the pages");
        foreach (var name in names)
        {
            var r = results[name];
            Console.WriteLine($"{name,-9} {Median(r.Select(x => (double)x.Requests).ToArray()),5:F0} ({r.Min(x => x.Requests)}-{r.Max(x => x.Requests)})"
                + $"  own {Median(r.Select(x => (double)x.OwnRequests).ToArray()),3:F0} ({r.Min(x => x.OwnRequests)}-{r.Max(x => x.OwnRequests)})"
                + $"  documents {Median(r.Select(x => (double)x.Documents).ToArray()),3:F0}"
                + $"  protocol {string.Join(",", r.Select(x => x.Protocol).Distinct())}");
        }
    }

    /// <summary>0 when every page came over HTTP/2 on every target; a load that failed has thrown before.</summary>
    public static int Check(IReadOnlyDictionary<string, List<SessionResult>> results)
    {
        var notH2 = results.Where(kv => kv.Value.Any(r => r.Protocol != "h2")).Select(kv => kv.Key).ToArray();
        if (notH2.Length > 0)
        {
            Console.WriteLine($"check FAILED: not HTTP/2 through {string.Join(", ", notH2)}");
            return 1;
        }

        Console.WriteLine("check: every login page came over HTTP/2 through every proxy");
        return 0;
    }

    internal static double Median(double[] values) => Percentile(values, 50);

    /// <summary>Nearest-rank percentile (the median of an even count is the mean of the middle two).</summary>
    internal static double Percentile(double[] values, int p)
    {
        var sorted = values.Order().ToArray();
        if (p == 50)
        {
            var mid = sorted.Length / 2;
            return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        }

        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
