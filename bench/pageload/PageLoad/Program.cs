using Microsoft.Playwright;
using PageLoad;

// Usage: PageLoad --target NAME=URL --target NAME=URL [--rounds 50] [--warmup 3] [--user alice] [--password alice-pw]
//                 [--chromium /usr/bin/chromium]
// URL is the proxy's origin with Roundcube's path, e.g. https://127.0.0.1:18643/roundcube/. Each round runs one
// session per target, the targets' order alternating from round to round, so a drift in the machine's load favours
// none. A session is a fresh browser context (no cookies, an empty cache, new connections): the login page, then
// signing in until the inbox shows its list, then one message opened as a page of its own.
var options = BenchOptions.Parse(args);

using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
{
    ExecutablePath = options.Chromium,
    Headless = true,
    Timeout = 60_000,
    Args =
    [
        "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--hide-scrollbars",
    ],
});
Console.WriteLine($"Chromium {browser.Version}; targets: {string.Join(", ", options.Targets.Select(t => $"{t.Name} {t.Url}"))}");

var results = options.Targets.ToDictionary(t => t.Name, _ => new List<SessionResult>());
var failures = options.Targets.ToDictionary(t => t.Name, _ => 0);
for (var round = -options.Warmup; round < options.Rounds; round++)
{
    var order = round % 2 == 0 ? options.Targets : options.Targets.AsEnumerable().Reverse().ToArray();
    foreach (var target in order)
    {
        var label = round < 0 ? "warm-up" : $"round {round + 1}";
        SessionResult result;
        try
        {
            result = await Session.RunAsync(browser, target, options.User, options.Password);
        }
        catch (Exception e) when (e is TimeoutException or PlaywrightException or InvalidOperationException)
        {
            // Counted and reported, not averaged in; too many and the numbers mean nothing.
            failures[target.Name]++;
            Console.WriteLine($"{label,-9} {target.Name,-9} FAILED: {e.Message.Split('\n')[0]}");
            if (failures.Values.Sum() > Math.Max(3, options.Rounds / 10))
            {
                throw;
            }

            continue;
        }

        Console.WriteLine($"{label,-9} {target.Name,-9} login {result.Login,6:F0} ms  inbox {result.Inbox,6:F0} ms  message {result.Message,6:F0} ms  "
            + $"requests {result.Requests,3} (gateway's own {result.OwnRequests}, documents {result.Documents})  {result.Protocol}");
        if (round >= 0)
        {
            results[target.Name].Add(result);
        }
    }
}

Report.Print(options, results, failures);
return Report.Check(results);
