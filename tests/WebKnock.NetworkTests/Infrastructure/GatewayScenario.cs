using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using WebKnock.Firewall;
using WebKnock.Firewall.Nftables;
using WebKnock.NetworkTests.Agent;
using Xunit.Abstractions;

namespace WebKnock.NetworkTests.Infrastructure;

/// <summary>
/// The whole gateway, as deployed, in a test network: the real <c>webknock.dll</c> (Production environment, nftables
/// backend, its own table and NFLOG group, Kestrel HTTPS on 192.0.2.1:443 and [2001:db8::1]:443 with a self-signed
/// PEM certificate) and the SquirrelMail fixture on the server namespace's loopback as its upstream (or the real
/// Roundcube, relayed there: <see cref="StartRoundcubeAsync"/>). Clients act
/// from their own namespaces with real programs: the <c>webknock knock</c> client, curl, nmap, and this assembly's
/// tools. Disposing kills both programs by PID, deletes the namespaces (which takes the table with them) and the
/// temporary folder.
/// </summary>
public sealed class GatewayScenario : IAsyncDisposable
{
    public const string KnockPorts = "7000,9000,8000";
    public const string WrongOrder = "9000,7000,8000";
    public const int FixturePort = 8080;
    public const string LoginPage = "/squirrelmail/src/login.php";
    public const string Banner = "id=\"webknock-banner\"";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly ITestOutputHelper _output;
    private readonly List<string> _settings;
    private readonly List<NamespaceProcess> _tools = [];
    private readonly List<NamespaceProcess> _stopped = [];
    private NamespaceProcess? _fixture;
    private SocketRelay? _bridge;
    private NamespaceProcess? _gateway;
    private int _starts;

    private GatewayScenario(TestNetwork network, ITestOutputHelper output, IEnumerable<string> settings)
    {
        Network = network;
        _output = output;
        Directory = System.IO.Directory.CreateTempSubdirectory("wk-e2e-").FullName;
        Table = $"wk_e2e_{Guid.NewGuid().ToString("N")[..10]}";
        NflogGroup = Random.Shared.Next(7400, 7999);
        _settings = [.. settings.Select(s => s.StartsWith("--", StringComparison.Ordinal) ? s : "--" + s)];
    }

    public TestNetwork Network { get; }

    public NetworkNamespace Server => Network.Server;

    public TestNetwork.Client A => Network.A;

    public TestNetwork.Client B => Network.B;

    /// <summary>Temporary folder: certificate, key, log files, cookie jars.</summary>
    public string Directory { get; }

    public string Table { get; }

    public int NflogGroup { get; }

    public NamespaceProcess Gateway => _gateway ?? throw new InvalidOperationException("The gateway is not running.");

    /// <summary>How long the last start took until the table was loaded and both addresses listened.</summary>
    public TimeSpan LastStartTime { get; private set; }

    /// <summary>The gateway's and the fixture's last output lines, for failure messages.</summary>
    public string Diagnostics => string.Join('\n', _stopped.Select(p => p.Output).Append(_gateway?.Output).Append(_fixture?.Output));

    /// <summary>
    /// Makes the network (<paramref name="clients"/> client namespaces), then starts the fixture and the gateway with
    /// <paramref name="settings"/> (<c>Key=Value</c>, as on the gateway's command line) after the test defaults.
    /// </summary>
    public static Task<GatewayScenario> StartAsync(ITestOutputHelper output, int clients = 2, params string[] settings)
        => StartAsync(output, clients, roundcube: false, settings);

    /// <summary>
    /// Like <see cref="StartAsync(ITestOutputHelper, int, string[])"/>, with the real Roundcube upstream (profile
    /// <c>Roundcube</c>) instead of the fixture. Apache serves Roundcube on the root namespace's 127.0.0.1:8080, which
    /// no other namespace can reach; the gateway still reaches it at its own 127.0.0.1:8080 through two relays joined
    /// by a Unix socket in <see cref="Directory"/> (file-system sockets are shared by all namespaces): one in the
    /// server namespace (a process), one in this test process, in the root namespace. So the gateway, its nftables
    /// table and the clients stay in their own namespaces, as with the fixture, and nothing is added to the root
    /// namespace's network: no address, no route, no rule (a table there would drop port 443 for the whole machine).
    /// </summary>
    public static Task<GatewayScenario> StartRoundcubeAsync(ITestOutputHelper output, int clients = 2, params string[] settings)
        => StartAsync(output, clients, roundcube: true, ["WebKnock:Upstream:Profile=Roundcube", .. settings]);

    private static async Task<GatewayScenario> StartAsync(ITestOutputHelper output, int clients, bool roundcube, string[] settings)
    {
        var network = await TestNetwork.CreateAsync(clients);
        var scenario = new GatewayScenario(network, output, settings);
        try
        {
            await scenario.MakeCertificateAsync();
            if (roundcube)
            {
                var socket = Path.Combine(scenario.Directory, "roundcube.sock");
                scenario._bridge = SocketRelay.Start($"unix:{socket}", $"tcp:127.0.0.1:{FixturePort}");
                scenario._fixture = NamespaceProcess.Start(
                    network.Server, "roundcube-relay",
                    [BuildOutputs.Dotnet, typeof(GatewayScenario).Assembly.Location, "relay", $"tcp:127.0.0.1:{FixturePort}", $"unix:{socket}"],
                    workingDirectory: scenario.Directory);
            }
            else
            {
                scenario._fixture = NamespaceProcess.Start(
                    network.Server, "fixture", [BuildOutputs.Dotnet, BuildOutputs.Fixture, "--urls", $"http://127.0.0.1:{FixturePort}"],
                    new Dictionary<string, string?> { ["DOTNET_ENVIRONMENT"] = "Production", ["ASPNETCORE_ENVIRONMENT"] = "Production" },
                    scenario.Directory, clear: ["ASPNETCORE_", "DOTNET_URLS"]);
            }

            await scenario.StartGatewayAsync();
            return scenario;
        }
        catch
        {
            await scenario.DisposeAsync();
            throw;
        }
    }

    /// <summary>The gateway's command line: the test's table, group, ports, upstream, endpoints, log file, then the test's own settings.</summary>
    public IReadOnlyList<string> GatewayArguments =>
    [
        "--WebKnock:Firewall:Backend=Nftables",
        "--WebKnock:Firewall:LoopbackKnockListener=false",
        $"--WebKnock:Firewall:Table={Table}",
        $"--WebKnock:Firewall:NflogGroup={NflogGroup}",
        "--WebKnock:Webmail:Knock:Ports:0=7000",
        "--WebKnock:Webmail:Knock:Ports:1=9000",
        "--WebKnock:Webmail:Knock:Ports:2=8000",
        $"--WebKnock:Upstream:Url=http://127.0.0.1:{FixturePort}/",
        $"--WebKnock:LogFile={Path.Combine(Directory, "webknock-.json")}",
        $"--WebKnock:Events:Path={Path.Combine(Directory, "events.db")}",
        $"--Kestrel:Endpoints:Https:Url=https://{TestNetwork.ServerV4}:443",
        $"--Kestrel:Endpoints:Https:Certificate:Path={CertificatePath}",
        $"--Kestrel:Endpoints:Https:Certificate:KeyPath={KeyPath}",
        $"--Kestrel:Endpoints:Https6:Url=https://[{TestNetwork.ServerV6}]:443",
        $"--Kestrel:Endpoints:Https6:Certificate:Path={CertificatePath}",
        $"--Kestrel:Endpoints:Https6:Certificate:KeyPath={KeyPath}",
        .. _settings,
    ];

    private string CertificatePath => Path.Combine(Directory, "fullchain.pem");

    private string KeyPath => Path.Combine(Directory, "privkey.pem");

    /// <summary>Starts the gateway and waits until its table is loaded and it listens on both addresses.</summary>
    public async Task<TimeSpan> StartGatewayAsync()
    {
        if (_gateway is { HasExited: false })
        {
            throw new InvalidOperationException("The gateway runs already.");
        }

        if (_gateway is not null)
        {
            _stopped.Add(_gateway);
        }

        _starts++;
        var watch = Stopwatch.StartNew();
        _gateway = NamespaceProcess.Start(
            Server, $"gateway#{_starts}", [BuildOutputs.Dotnet, BuildOutputs.Gateway, .. GatewayArguments],
            new Dictionary<string, string?> { ["DOTNET_ENVIRONMENT"] = "Production", ["ASPNETCORE_ENVIRONMENT"] = "Production" },
            Directory, clear: ["WEBKNOCK_", "ASPNETCORE_", "DOTNET_URLS"]);
        var ready = await Eventually.WaitAsync(async () =>
        {
            if (_gateway.HasExited || _fixture!.HasExited)
            {
                throw new InvalidOperationException($"A program exited while starting.\n{Diagnostics}");
            }

            return await IsReadyAsync();
        }, StartTimeout, TimeSpan.FromMilliseconds(100));
        if (ready is null)
        {
            throw new TimeoutException($"The gateway was not ready within {StartTimeout}.\n{Diagnostics}");
        }

        LastStartTime = watch.Elapsed;
        _output.WriteLine($"gateway #{_starts} (pid {_gateway.Pid}) ready after {watch.ElapsedMilliseconds} ms");
        return watch.Elapsed;
    }

    /// <summary>kill -9 the gateway by its PID and wait until it is gone.</summary>
    public async Task KillGatewayAsync()
    {
        var gateway = Gateway;
        await gateway.KillAsync();
        Assert.True(gateway.HasExited, $"the gateway (pid {gateway.Pid}) survived SIGKILL");
        _output.WriteLine($"gateway #{_starts} (pid {gateway.Pid}) killed with SIGKILL, exit {gateway.ExitCode}");
    }

    /// <summary>
    /// Stops the gateway as systemd does (SIGTERM to its PID) and waits for its exit; fails when it still runs after
    /// <paramref name="timeout"/> (it is then killed, so that nothing is left behind). Returns how long the stop took.
    /// </summary>
    public async Task<TimeSpan> StopGatewayAsync(TimeSpan timeout)
    {
        var gateway = Gateway;
        var watch = Stopwatch.StartNew();
        (await Shell.RunAsync("kill", "-TERM", gateway.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture))).ThrowIfFailed("kill -TERM");
        if (!await gateway.WaitForExitAsync(timeout))
        {
            var output = gateway.Output;
            await gateway.KillAsync();
            Assert.Fail($"the gateway (pid {gateway.Pid}) still ran {timeout.TotalSeconds:F0} s after SIGTERM\n{output}");
        }

        _output.WriteLine($"gateway #{_starts} (pid {gateway.Pid}) stopped by SIGTERM in {watch.ElapsedMilliseconds} ms, exit {gateway.ExitCode}");
        return watch.Elapsed;
    }

    private async Task<bool> IsReadyAsync()
    {
        var chain = await Server.TryExecAsync("nft", "list", "chain", "inet", Table, "input");
        if (chain.ExitCode != 0)
        {
            return false;
        }

        var listening = (await Server.TryExecAsync("ss", "-Htln")).Output;
        return listening.Contains($"{TestNetwork.ServerV4}:443", StringComparison.Ordinal)
            && listening.Contains($"[{TestNetwork.ServerV6}]:443", StringComparison.Ordinal)
            && listening.Contains($"127.0.0.1:{FixturePort}", StringComparison.Ordinal);
    }

    private async Task MakeCertificateAsync()
    {
        (await Shell.RunAsync("openssl", [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
            "-subj", "/CN=webknock.test", "-addext", $"subjectAltName=DNS:webknock.test,IP:{TestNetwork.ServerV4},IP:{TestNetwork.ServerV6}",
            "-keyout", KeyPath, "-out", CertificatePath,
        ])).ThrowIfFailed("openssl req");
    }

    // ---- clients -------------------------------------------------------------------------------------------------

    public static string Host(bool v6) => v6 ? TestNetwork.ServerV6.ToString() : TestNetwork.ServerV4.ToString();

    public static string Url(string path, bool v6 = false) => v6 ? $"https://[{TestNetwork.ServerV6}]{path}" : $"https://{TestNetwork.ServerV4}{path}";

    /// <summary>Runs the knock client, <c>webknock knock ARGS</c>, in the client's namespace.</summary>
    public async Task<Shell.Result> KnockClientAsync(TestNetwork.Client client, params string[] args)
    {
        var result = await client.Namespace.TryExecAsync([BuildOutputs.Dotnet, BuildOutputs.Gateway, "knock", .. args]);
        _output.WriteLine($"[{client.V4}] webknock knock {string.Join(' ', args)} -> {result.ExitCode}\n{result.Output.TrimEnd()}{(result.Error.Length > 0 ? "\n" + result.Error.TrimEnd() : "")}");
        return result;
    }

    public sealed record HttpResult(int Status, string Body, int CurlExit)
    {
        public bool HasBanner => Body.Contains(Banner, StringComparison.Ordinal);
    }

    /// <summary>curl from the client (certificate not checked, Accept: text/html as a browser navigates); status 0 when no answer.</summary>
    public async Task<HttpResult> CurlAsync(TestNetwork.Client client, string url, string? cookieJar = null, IEnumerable<string>? form = null, double maxSeconds = 5)
    {
        List<string> args = ["curl", "-sk", "-g", "--max-time", maxSeconds.ToString(CultureInfo.InvariantCulture), "-H", "Accept: text/html", "-o", "-", "-w", "\n%{http_code}"];
        if (cookieJar is not null)
        {
            args.AddRange(["-b", cookieJar, "-c", cookieJar]);
        }

        foreach (var field in form ?? [])
        {
            args.AddRange(["--data-urlencode", field]);
        }

        args.Add(url);
        var result = await client.Namespace.TryExecAsync([.. args]);
        var cut = result.Output.LastIndexOf('\n');
        var status = int.TryParse(result.Output[(cut + 1)..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 0;
        return new HttpResult(status, cut > 0 ? result.Output[..cut] : "", result.ExitCode);
    }

    /// <summary>The gateway's <c>/.webknock/status</c> as the client sees it; null when there is no answer.</summary>
    public async Task<JsonElement?> StatusAsync(TestNetwork.Client client, bool v6 = false)
    {
        var result = await CurlAsync(client, Url("/.webknock/status", v6), maxSeconds: 3);
        return result.Status == 200 ? JsonDocument.Parse(result.Body).RootElement.Clone() : null;
    }

    /// <summary>Logs in through the gateway as a browser does (login page, then the form); returns the cookie jar.</summary>
    public async Task<string> LoginAsync(TestNetwork.Client client, string user, string password, bool v6 = false)
    {
        var jar = Path.Combine(Directory, $"cookies-{Guid.NewGuid():N}.txt");
        var page = await CurlAsync(client, Url(LoginPage, v6), jar);
        Assert.True(page.Status == 200, $"login page: {page.Status} (curl {page.CurlExit})\n{Diagnostics}");
        var login = await CurlAsync(client, Url("/squirrelmail/src/redirect.php", v6), jar,
            [$"login_username={user}", $"secretkey={password}", "js_autodetect_results=1", "just_logged_in=1"]);
        Assert.True(login.Status == 302, $"login of {user}: {login.Status} (curl {login.CurlExit})\n{login.Body}\n{Diagnostics}");
        return jar;
    }

    /// <summary>Whether a TCP connection from the client to the server's port is made within the time.</summary>
    public async Task<ConnectOutcome> ConnectAsync(TestNetwork.Client client, int port, bool v6 = false, int timeoutMs = 1000)
    {
        var result = await AgentProcess.RunToolAsync(client.Namespace, "connect", Host(v6), port.ToString(CultureInfo.InvariantCulture), timeoutMs.ToString(CultureInfo.InvariantCulture));
        return result.ExitCode == 0 ? ConnectOutcome.Connected
            : result.Output.Contains("OperationCanceledException", StringComparison.Ordinal) ? ConnectOutcome.Filtered
            : ConnectOutcome.Refused;
    }

    public enum ConnectOutcome
    {
        Connected,

        /// <summary>No answer at all: the kernel dropped the SYN.</summary>
        Filtered,

        /// <summary>Answered with a reset (or another error).</summary>
        Refused,
    }

    /// <summary>Starts the keep-alive connection tool (see <c>HoldTool</c>) from the client; returns once it printed <c>ready</c>.</summary>
    public async Task<(NamespaceProcess Tool, string Ready)> HoldAsync(TestNetwork.Client client, bool v6 = false, int maxMs = 60_000)
    {
        var tool = NamespaceProcess.Start(client.Namespace, $"hold-{client.V4}{(v6 ? "-v6" : "")}",
            [BuildOutputs.Dotnet, typeof(GatewayScenario).Assembly.Location, "hold", Host(v6), "443", "/.webknock/status", maxMs.ToString(CultureInfo.InvariantCulture)]);
        _tools.Add(tool);
        var line = await tool.ReadLineAsync(TimeSpan.FromSeconds(60));
        Assert.True(line is not null && line.StartsWith("ready ", StringComparison.Ordinal) && line.Contains(" 200 ", StringComparison.Ordinal),
            $"hold tool: {line}\n{tool.Output}\n{Diagnostics}");
        return (tool, line);
    }

    /// <summary>Runs nmap in the client's namespace.</summary>
    public async Task<string> NmapAsync(TestNetwork.Client client, params string[] args)
    {
        var watch = Stopwatch.StartNew();
        var result = (await client.Namespace.TryExecAsync(["nmap", .. args])).ThrowIfFailed("nmap");
        _output.WriteLine($"[{client.V4}] nmap {string.Join(' ', args)} ({watch.ElapsedMilliseconds} ms)\n{result.Output.TrimEnd()}");
        return result.Output;
    }

    // ---- the kernel ------------------------------------------------------------------------------------------------

    /// <summary>The elements of one of the table's sets (e.g. <c>webmail_allow4</c>); empty when the set is absent.</summary>
    public async Task<IReadOnlyList<FirewallElement>> ListSetAsync(string set)
    {
        var result = await Server.TryExecAsync("nft", "-j", "list", "set", "inet", Table, set);
        return result.ExitCode == 0 ? NftSetListing.Parse(result.Output) : [];
    }

    /// <summary>The addresses allowed to the webmail now, both families, with their remaining time.</summary>
    public async Task<Dictionary<IPAddress, TimeSpan?>> AllowedAsync()
        => (await ListSetAsync("webmail_allow4")).Concat(await ListSetAsync("webmail_allow6")).ToDictionary(e => e.Address, e => e.Remaining);

    public async Task<Dictionary<IPAddress, TimeSpan?>> BlockedAsync()
        => (await ListSetAsync("blocked4")).Concat(await ListSetAsync("blocked6")).ToDictionary(e => e.Address, e => e.Remaining);

    public async Task<bool> TableExistsAsync()
        => (await Server.TryExecAsync("nft", "list", "chain", "inet", Table, "input")).ExitCode == 0;

    // ---- the gateway's log -----------------------------------------------------------------------------------------

    /// <summary>Every event of the gateway's compact JSON log so far, its properties as text.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string>> LogEvents()
    {
        var events = new List<IReadOnlyDictionary<string, string>>();
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory, "webknock-*.json").Order())
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            while (reader.ReadLine() is { } line)
            {
                if (line.Length == 0 || line[0] != '{')
                {
                    continue;
                }

                try
                {
                    using var document = JsonDocument.Parse(line);
                    events.Add(document.RootElement.EnumerateObject().ToDictionary(
                        p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText()));
                }
                catch (JsonException)
                {
                    // A line still being written.
                }
            }
        }

        return events;
    }

    /// <summary>Log events whose message template starts with <paramref name="template"/> and whose properties have the given values.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string>> LogEvents(string template, params (string Name, string Value)[] properties)
        => [.. LogEvents().Where(e => e.TryGetValue("@mt", out var mt) && mt.StartsWith(template, StringComparison.Ordinal)
            && properties.All(p => e.TryGetValue(p.Name, out var v) && v == p.Value))];

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _tools.Concat(_stopped))
        {
            await process.DisposeAsync();
        }

        if (_gateway is not null)
        {
            _output.WriteLine(string.Join('\n', _gateway.Output.Split('\n').TakeLast(40)));
            await _gateway.DisposeAsync();
        }

        if (_fixture is not null)
        {
            await _fixture.DisposeAsync();
        }

        if (_bridge is not null)
        {
            await _bridge.DisposeAsync();
        }

        await Network.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
