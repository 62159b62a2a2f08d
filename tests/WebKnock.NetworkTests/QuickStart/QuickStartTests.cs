using System.Diagnostics;
using WebKnock.NetworkTests.Infrastructure;
using Xunit.Abstractions;

namespace WebKnock.NetworkTests.QuickStart;

/// <summary>
/// The README's first command, run as a newcomer runs it: <c>bash scripts/run.sh</c> from the repository root, then
/// what it prints. It owns fixed names in the root namespace (namespace <c>wkdemo</c>, 198.51.100.1/.2, table
/// <c>webknock_demo</c>, port 443), hence the collection that never runs beside another.
/// </summary>
[Collection(RootNamespaceCollection.Name)]
public sealed class QuickStartTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Namespace = "wkdemo";
    private const string Table = "webknock_demo";
    private const string WebmailUrl = "https://198.51.100.1/roundcube/";
    private const string ReadyLine = "== WebKnock guards Roundcube on " + WebmailUrl;

    private static readonly string Root = BuildOutputs.RepositoryRoot;
    private static readonly string PidFile = Path.Combine(Root, "data", "demo", "gateway.pid");

    public async Task InitializeAsync()
    {
        if (await DemoIsUpAsync())
        {
            output.WriteLine("the demo was already up (started by hand?): taking it down first");
            var down = await RunScriptAsync("down");
            output.WriteLine(down.Output + down.Error);
        }
    }

    public async Task DisposeAsync()
    {
        var down = await RunScriptAsync("down");
        output.WriteLine($"run.sh down (dispose) -> {down.ExitCode}\n{down.Output}{down.Error}");
    }

    [QuickStartFact]
    public async Task The_quick_start_brings_up_Roundcube_behind_the_gateway_reachable_from_its_namespace_only_after_the_printed_knock()
    {
        // 1. The README's first command, until it says what to type.
        var watch = Stopwatch.StartNew();
        var up = await RunScriptAsync();
        output.WriteLine($"bash scripts/run.sh -> {up.ExitCode} after {watch.Elapsed.TotalSeconds:F1} s\n{up.Output}{up.Error}");
        Assert.True(up.ExitCode == 0, $"run.sh failed ({up.ExitCode}):\n{up.Output}\n{up.Error}\n{GatewayLog()}");
        Assert.Contains(ReadyLine, up.Output, StringComparison.Ordinal);

        var pid = int.Parse(File.ReadAllText(PidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(IsGateway(pid), $"pid {pid} from {PidFile} is not a running webknock.dll");
        Assert.True(await NamespaceExistsAsync(), $"namespace {Namespace} missing after run.sh");
        Assert.True(await TableExistsAsync(), $"nftables table inet {Table} missing after run.sh");

        // 2. Before the knock nothing answers: the connection fails, within a bounded time.
        watch.Restart();
        var before = await CurlAsync(maxSeconds: 3);
        output.WriteLine($"before the knock: HTTP {before.Status}, curl exit {before.CurlExit}, {watch.ElapsedMilliseconds} ms");
        Assert.Equal("000", before.Status);
        Assert.NotEqual(0, before.CurlExit);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"curl -m 3 took {watch.Elapsed}");

        // 3. The knock, exactly as printed.
        var knockLine = up.Output.Split('\n').Select(l => l.Trim())
            .SingleOrDefault(l => l.StartsWith($"ip netns exec {Namespace} ", StringComparison.Ordinal) && l.Contains(" knock ", StringComparison.Ordinal));
        Assert.True(knockLine is not null, $"run.sh printed no knock command:\n{up.Output}");
        var knock = await Shell.RunAsync("bash", ["-c", knockLine], TimeSpan.FromSeconds(60));
        output.WriteLine($"$ {knockLine}\n-> {knock.ExitCode}\n{knock.Output}{knock.Error}");
        Assert.True(knock.ExitCode == 0, $"the printed knock command failed ({knock.ExitCode}): {knock.Error}{knock.Output}");

        // 4. After it, Roundcube's login page through the gateway (the banner only the gateway puts in).
        CurlResult? after = null;
        var opened = await Eventually.WaitAsync(async () => (after = await CurlAsync(maxSeconds: 10)).Status == "200", TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(250));
        Assert.True(opened is not null, $"no 200 after the knock (last: HTTP {after?.Status}, curl exit {after?.CurlExit})\n{GatewayLog()}");
        output.WriteLine($"after the knock: HTTP {after!.Status} within {opened!.Value.TotalMilliseconds:F0} ms, {after.Body.Length} characters");
        Assert.Contains("<title>Roundcube Webmail", after.Body, StringComparison.Ordinal);
        Assert.Contains("name=\"_user\"", after.Body, StringComparison.Ordinal);
        Assert.Contains("name=\"_pass\"", after.Body, StringComparison.Ordinal);
        Assert.Contains(GatewayScenario.Banner, after.Body, StringComparison.Ordinal);

        // 5. Down again: namespace, table and gateway process gone.
        var down = await RunScriptAsync("down");
        output.WriteLine($"bash scripts/run.sh down -> {down.ExitCode}\n{down.Output}{down.Error}");
        Assert.Equal(0, down.ExitCode);
        Assert.False(await NamespaceExistsAsync(), $"namespace {Namespace} still there after down");
        Assert.False(await TableExistsAsync(), $"table inet {Table} still there after down");
        Assert.False(IsGateway(pid), $"the gateway (pid {pid}) still runs after down");
        Assert.False(File.Exists(PidFile), $"{PidFile} still there after down");
    }

    private sealed record CurlResult(string Status, string Body, int CurlExit);

    /// <summary>curl from the client namespace, as a browser asks for a page (Accept: text/html).</summary>
    private static async Task<CurlResult> CurlAsync(int maxSeconds)
    {
        var result = await Shell.RunAsync("ip", [
            "netns", "exec", Namespace, "curl", "-sk", "-m", maxSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-H", "Accept: text/html", "-o", "-", "-w", "\n%{http_code}", WebmailUrl,
        ], TimeSpan.FromSeconds(maxSeconds + 30));
        var cut = result.Output.LastIndexOf('\n');
        return new CurlResult(result.Output[(cut + 1)..].Trim(), cut > 0 ? result.Output[..cut] : "", result.ExitCode);
    }

    /// <summary><c>bash scripts/run.sh [ARG]</c> from the repository root; the test run has built the gateway already.</summary>
    private static Task<Shell.Result> RunScriptAsync(string? argument = null)
    {
        var build = File.Exists(Path.Combine(Root, "src/WebKnock/bin/Release/net10.0/webknock.dll")) ? "1" : "";
        return Shell.RunAsync("env", [
            $"WEBKNOCK_NO_BUILD={build}", "bash", "-c", "cd \"$1\" && shift && exec bash scripts/run.sh \"$@\"", "run.sh", Root,
            .. argument is null ? Array.Empty<string>() : [argument],
        ], TimeSpan.FromMinutes(argument is null ? 10 : 2));
    }

    private static async Task<bool> DemoIsUpAsync()
        => await NamespaceExistsAsync() || await TableExistsAsync()
            || (File.Exists(PidFile) && int.TryParse(File.ReadAllText(PidFile).Trim(), out var pid) && IsGateway(pid));

    private static async Task<bool> NamespaceExistsAsync()
        => (await Shell.RunAsync("ip", "netns", "list")).Output.Split('\n').Any(l => l.Split(' ')[0] == Namespace);

    private static async Task<bool> TableExistsAsync()
        => (await Shell.RunAsync("nft", "list", "table", "inet", Table)).ExitCode == 0;

    private static bool IsGateway(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Contains("webknock.dll", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static string GatewayLog()
    {
        var log = Path.Combine(Root, "data", "demo", "gateway.log");
        return File.Exists(log) ? "--- gateway.log ---\n" + string.Join('\n', File.ReadLines(log).TakeLast(40)) : "(no gateway.log)";
    }
}

/// <summary>Needs what the quick start needs: root with namespaces and nftables, and Roundcube answering on 127.0.0.1:8080.</summary>
public sealed class QuickStartFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Reason = new(Find);

    public QuickStartFactAttribute()
    {
        Skip = Reason.Value;
    }

    private static string? Find()
    {
        if (NetworkRequirements.SkipReason is { } network)
        {
            return network;
        }

        // Set by scripts/test.sh when scripts/install-roundcube.sh failed (or was made to fail, to test the script).
        if (Environment.GetEnvironmentVariable("WEBKNOCK_ROUNDCUBE_UNAVAILABLE") is { Length: > 0 } unavailable)
        {
            return $"Roundcube is not installed: {unavailable}";
        }

        if (Shell.Which("curl") is null)
        {
            return "curl is not installed (package curl).";
        }

        try
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            using var response = client.GetAsync("http://127.0.0.1:8080/roundcube/").GetAwaiter().GetResult();
            return response.IsSuccessStatusCode
                ? null
                : $"Roundcube answers {(int)response.StatusCode} at http://127.0.0.1:8080/roundcube/ (scripts/install-roundcube.sh sets it up, as scripts/test.sh does).";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return $"Roundcube is not reachable at http://127.0.0.1:8080/roundcube/ ({e.Message}); scripts/install-roundcube.sh sets it up, as scripts/test.sh does.";
        }
    }
}
