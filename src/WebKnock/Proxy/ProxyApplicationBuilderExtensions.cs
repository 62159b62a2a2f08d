using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using WebKnock.Configuration;
using WebKnock.Proxy;
using WebKnock.Proxy.Gate;

namespace Microsoft.AspNetCore.Builder;

internal static partial class ProxyApplicationBuilderExtensions
{
    /// <summary>The gate first: nothing below it runs for an address without a window.</summary>
    public static WebApplication UseWebKnockGate(this WebApplication app)
    {
        var connections = app.Services.GetRequiredService<ConnectionRegistry>();
        var windows = app.Services.GetRequiredService<WebKnock.Windows.AccessWindowManager>();
        windows.Closed += closed =>
        {
            // Only the webmail's window guards Kestrel's connections; an SSH window closing (one minute after its
            // knock, by design) must not cut the same address's webmail. Nor does an address's window closing cut an
            // address that a network window still lets in.
            if (closed.Window.Service == WebKnock.Knocking.ServiceNames.Webmail && !windows.IsOpen(closed.Window.Service, closed.Window.Address))
            {
                connections.AbortAll(closed.Window.Address, $"window closed: {closed.Reason}");
            }
        };
        var network = app.Services.GetRequiredService<IOptions<WebKnockOptions>>().Value.Network;
        var metrics = app.Services.GetService<WebKnock.Operations.GatewayMetrics>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("WebKnock.Proxy.Gate.ConnectionLimit");
        connections.Limit = new ConnectionLimit(network.MaxConnectionsPerAddress, NetworkList.Parse(network.TrustedProxies), (address, tell) =>
        {
            metrics?.ConnectionRefused();
            if (tell)
            {
                ConnectionsRefused(logger, address, network.MaxConnectionsPerAddress);
            }
        });
        var alwaysAllowed = NetworkList.Parse(network.AlwaysAllowed);
        windows.NetworkClosed += closed =>
        {
            // Every address of the network that nothing else lets in any more.
            if (closed.Window.Service == WebKnock.Knocking.ServiceNames.Webmail)
            {
                connections.AbortWhere(
                    a => closed.Window.Network.Contains(a) && !windows.IsOpen(closed.Window.Service, a) && !alwaysAllowed.Contains(a),
                    $"network window closed: {closed.Reason}");
            }
        };
        app.UseStrangerFilter(windows, network, alwaysAllowed, metrics);
        app.UseMiddleware<GateMiddleware>();
        return app;
    }

    /// <summary>
    /// Who passes Kestrel's connection filter before TLS: an address with an open webmail window (its own or a
    /// network's), always allowed, a trusted proxy (it carries many clients; the gate judges each request), or in the
    /// networks of a gate exemption (operations, admin; the gate then lets it reach only those paths).
    /// </summary>
    private static void UseStrangerFilter(this WebApplication app, WebKnock.Windows.AccessWindowManager windows, NetworkOptions network, NetworkList alwaysAllowed, WebKnock.Operations.GatewayMetrics? metrics)
    {
        var strangers = app.Services.GetRequiredService<StrangerConnections>();
        var trusted = NetworkList.Parse(network.TrustedProxies);
        var exempt = app.Services.GetServices<GateExemption>().Select(e => e.Networks).ToArray();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("WebKnock.Proxy.Gate.StrangerConnections");
        windows.Opened += opened =>
        {
            if (opened.Service == WebKnock.Knocking.ServiceNames.Webmail)
            {
                strangers.WindowOpened(opened.Address);
            }
        };
        windows.NetworkOpened += opened =>
        {
            if (opened.Service == WebKnock.Knocking.ServiceNames.Webmail)
            {
                strangers.NetworkOpened(opened.Network);
            }
        };
        strangers.Policy = new StrangerPolicy(
            address => windows.IsOpen(WebKnock.Knocking.ServiceNames.Webmail, address) || alwaysAllowed.Contains(address) || trusted.Contains(address)
                || Array.Exists(exempt, networks => networks.Contains(address)),
            network.WindowWait,
            (address, tell) =>
            {
                metrics?.StrangerRefused();
                if (tell)
                {
                    StrangerRefused(logger, address);
                }
            });
    }

    /// <summary>The gateway's files and endpoints under its prefix, then the proxy for everything else (after the gate).</summary>
    public static WebApplication MapWebKnock(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<WebKnockOptions>>().Value;
        var root = FilesFolder;
        if (Directory.Exists(root))
        {
            var assets = app.Services.GetRequiredService<WebKnock.Proxy.Banner.BannerAssets>();
            app.UseStaticFiles(new StaticFileOptions
            {
                FileProvider = new PhysicalFileProvider(root),
                RequestPath = options.PathPrefix.TrimEnd('/'),
                OnPrepareResponse = file => CacheVersionedBannerFile(file, assets),
            });
        }

        // Routing after the files: left to WebApplication, routing runs first of all, the catch-all under the
        // prefix (404) is matched for every file, and the static file middleware steps aside for a matched endpoint.
        app.UseRouting();
        app.MapGatewayEndpoints(options.PathPrefix);
        app.MapOperationsEndpoints();
        var webmail = app.Services.GetRequiredService<WebmailProxyMiddleware>();
        app.MapReverseProxy(pipeline => pipeline.Use(next => context => webmail.InvokeAsync(context, next)));
        return app;
    }

    /// <summary>The gateway's own files (wwwroot beside the program).</summary>
    internal static string FilesFolder => Path.Combine(AppContext.BaseDirectory, "wwwroot");

    /// <summary>
    /// The banner's files asked for with their current version (the links a banner carries) never change under that
    /// URL: a browser keeps them for a year without asking again. Any other request for them is answered as before.
    /// </summary>
    private static void CacheVersionedBannerFile(Microsoft.AspNetCore.StaticFiles.StaticFileResponseContext file, WebKnock.Proxy.Banner.BannerAssets assets)
    {
        var name = file.File.Name;
        if (assets.Version is { } version
            && (name == WebKnock.Proxy.Banner.BannerAssets.StyleFile || name == WebKnock.Proxy.Banner.BannerAssets.ScriptFile)
            && file.Context.Request.Query["v"] == version)
        {
            file.Context.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
        }
    }

    [LoggerMessage(4010, LogLevel.Warning, "Refusing new connections from {Address}: it has {Max} open (WebKnock:Network:MaxConnectionsPerAddress); "
        + "told at most once a minute while it stays there, each refusal counted in webknock_connections_refused_total")]
    private static partial void ConnectionsRefused(ILogger logger, System.Net.IPAddress address, int max);

    [LoggerMessage(9200, LogLevel.Information, "Closed a connection from {Address} before TLS: no open window; "
        + "told at most once a minute per address, each counted in webknock_strangers_refused_total")]
    private static partial void StrangerRefused(ILogger logger, System.Net.IPAddress address);
}
