using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using WebKnock.NetworkTests.Infrastructure;
using Xunit.Abstractions;

namespace WebKnock.NetworkTests.Load;

/// <summary>
/// The real gateway (<c>webknock.dll</c>, Production environment, its shipped appsettings.json, so its Kestrel limits)
/// with HTTPS on a free port of 127.0.0.1, in front of the SquirrelMail fixture on another. No root needed: the
/// in-memory firewall, and 127.0.0.1 always allowed (the tests here are about Kestrel's limits, not the knock).
/// Disposing kills both by PID and removes the temporary folder.
/// </summary>
public sealed class LoopbackGateway : IAsyncDisposable
{
    private readonly ITestOutputHelper _output;
    private NamespaceProcess? _fixture;
    private NamespaceProcess? _gateway;

    private LoopbackGateway(ITestOutputHelper output)
    {
        _output = output;
        Directory = System.IO.Directory.CreateTempSubdirectory("wk-load-").FullName;
        Port = FreePort();
        FixturePort = FreePort();
    }

    public string Directory { get; }

    public int Port { get; }

    public int FixturePort { get; }

    public NamespaceProcess Gateway => _gateway ?? throw new InvalidOperationException("not started");

    public Uri Url(string path) => new($"https://127.0.0.1:{Port}{path}");

    /// <summary>The <c>Kestrel:Limits</c> section of the appsettings.json the gateway runs with.</summary>
    public static JsonElement ShippedLimits()
    {
        var file = Path.Combine(Path.GetDirectoryName(BuildOutputs.Gateway)!, "appsettings", "appsettings.json");
        using var document = JsonDocument.Parse(File.ReadAllText(file));
        return document.RootElement.GetProperty("Kestrel").GetProperty("Limits").Clone();
    }

    public static async Task<LoopbackGateway> StartAsync(ITestOutputHelper output)
    {
        var gateway = new LoopbackGateway(output);
        try
        {
            await gateway.StartProcessesAsync();
            return gateway;
        }
        catch
        {
            await gateway.DisposeAsync();
            throw;
        }
    }

    private async Task StartProcessesAsync()
    {
        var certificate = Path.Combine(Directory, "fullchain.pem");
        var key = Path.Combine(Directory, "privkey.pem");
        (await Shell.RunAsync("openssl", [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key, "-out", certificate,
        ])).ThrowIfFailed("openssl req");

        var production = new Dictionary<string, string?> { ["DOTNET_ENVIRONMENT"] = "Production", ["ASPNETCORE_ENVIRONMENT"] = "Production" };
        _fixture = NamespaceProcess.StartLocal("fixture", [BuildOutputs.Dotnet, BuildOutputs.Fixture, "--urls", $"http://127.0.0.1:{FixturePort}", "--Logging:LogLevel:Default=Warning"],
            production, Directory, clear: ["ASPNETCORE_", "DOTNET_URLS"]);
        _gateway = NamespaceProcess.StartLocal("gateway", [
            BuildOutputs.Dotnet, BuildOutputs.Gateway,
            $"--Kestrel:Endpoints:Https:Url=https://127.0.0.1:{Port}",
            $"--Kestrel:Endpoints:Https:Certificate:Path={certificate}",
            $"--Kestrel:Endpoints:Https:Certificate:KeyPath={key}",
            "--WebKnock:Firewall:Backend=InMemory",
            "--WebKnock:Firewall:AllowInMemoryInProduction=true", // Production's limits, without a kernel table
            "--WebKnock:Firewall:LoopbackKnockListener=false",
            "--WebKnock:Network:AlwaysAllowed:0=127.0.0.1/32",
            $"--WebKnock:Upstream:Url=http://127.0.0.1:{FixturePort}/",
            "--WebKnock:LogFile=",
            $"--WebKnock:Events:Path={Path.Combine(Directory, "events.db")}",
            "--Serilog:MinimumLevel:Default=Warning",
        ], production, Directory, clear: ["WEBKNOCK_", "ASPNETCORE_", "DOTNET_URLS"]);

        using var handler = new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(5) };
        var ready = await Eventually.WaitAsync(async () =>
        {
            if (_gateway.HasExited || _fixture.HasExited)
            {
                throw new InvalidOperationException($"A program exited while starting.\n{_gateway.Output}\n{_fixture.Output}");
            }

            try
            {
                using var response = await client.GetAsync(Url("/fixture/1k"));
                return response.StatusCode == HttpStatusCode.OK;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(90), TimeSpan.FromMilliseconds(200));
        if (ready is null)
        {
            throw new TimeoutException($"The gateway did not answer within 90 s.\n{_gateway.Output}\n{_fixture.Output}");
        }

        _output.WriteLine($"gateway (pid {_gateway.Pid}) on https://127.0.0.1:{Port}, fixture (pid {_fixture.Pid}) on :{FixturePort}, ready after {ready.Value.TotalSeconds:F1} s");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (_gateway is not null)
        {
            _output.WriteLine(string.Join('\n', _gateway.Output.Split('\n').TakeLast(20)));
            await _gateway.DisposeAsync();
        }

        if (_fixture is not null)
        {
            await _fixture.DisposeAsync();
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
