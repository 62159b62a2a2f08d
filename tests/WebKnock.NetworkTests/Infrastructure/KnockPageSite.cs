using System.Globalization;
using System.Text.Json;

namespace WebKnock.NetworkTests.Infrastructure;

/// <summary>
/// The knock page (<c>wwwroot/knock.html</c>, <c>knock.js</c>, <c>knock.css</c> and a <c>knock-config.json</c>) hosted
/// as the README tells administrators to: on a plain web server, here on the server's port <see cref="Port"/>, which
/// the gateway's rules leave alone (a port with a listener is not a scan target). The gateway cannot serve the page
/// itself: its files under <c>/.webknock/</c> sit behind the gate and port 443, which only an open window reaches.
/// </summary>
public sealed class KnockPageSite : IAsyncDisposable
{
    public const int Port = 8090;

    private readonly NamespaceProcess _server;

    private KnockPageSite(NamespaceProcess server) => _server = server;

    /// <summary>Where a browser opens the page.</summary>
    public static string Url => $"http://{TestNetwork.ServerV4}:{Port.ToString(CultureInfo.InvariantCulture)}/knock.html";

    /// <summary>Hosts the page, set up to knock the scenario's ports at the server, then to go to <paramref name="webmail"/>.</summary>
    public static async Task<KnockPageSite> StartAsync(GatewayScenario gw, string webmail, int redirectDelayMs)
    {
        var folder = Path.Combine(gw.Directory, "knock-site");
        System.IO.Directory.CreateDirectory(folder);
        foreach (var file in new[] { "knock.html", "knock.js", "knock.css" })
        {
            File.Copy(Path.Combine(BuildOutputs.RepositoryRoot, "wwwroot", file), Path.Combine(folder, file), overwrite: true);
        }

        await File.WriteAllTextAsync(Path.Combine(folder, "knock-config.json"), JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["host"] = TestNetwork.ServerV4.ToString(),
            ["ports"] = GatewayScenario.KnockPorts.Split(',').Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray(),
            ["webmail"] = webmail,
            ["gap"] = 100,
            ["abort"] = 300,
            ["redirectDelay"] = redirectDelayMs,
            ["autostart"] = "true",
        }));

        var server = NamespaceProcess.Start(gw.Server, "knock-page-site",
            [BuildOutputs.Dotnet, typeof(KnockPageSite).Assembly.Location, "serve", TestNetwork.ServerV4.ToString(), Port.ToString(CultureInfo.InvariantCulture), folder],
            workingDirectory: folder);
        if (await server.WaitForLineAsync("listening", TimeSpan.FromSeconds(60)) is null)
        {
            var output = server.Output;
            await server.DisposeAsync();
            throw new InvalidOperationException($"The knock page's web server did not start.\n{output}");
        }

        return new KnockPageSite(server);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
