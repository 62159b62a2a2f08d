using Yarp.ReverseProxy.Configuration;

// The baseline for bench/run.sh: a reverse proxy with YARP's defaults and nothing of WebKnock's
// (no gate, no sessions, no banner). Usage:
//   bareyarp --upstream http://127.0.0.1:18080/ --urls http://127.0.0.1:18081
var builder = WebApplication.CreateBuilder(args);
var upstream = builder.Configuration["upstream"]
    ?? throw new ArgumentException("--upstream URL is required, for example --upstream http://127.0.0.1:18080/");
if (!Uri.TryCreate(upstream, UriKind.Absolute, out var upstreamUri) || upstreamUri.Scheme is not ("http" or "https"))
{
    throw new ArgumentException($"--upstream must be an absolute http(s) URL (got '{upstream}').");
}

// Only what WebKnock also sets on Kestrel that matters on the wire.
builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
builder.Logging.SetMinimumLevel(LogLevel.Warning);

builder.Services.AddReverseProxy().LoadFromMemory(
    [new RouteConfig { RouteId = "all", ClusterId = "upstream", Match = new RouteMatch { Path = "{**catch-all}" } }],
    [new ClusterConfig
    {
        ClusterId = "upstream",
        Destinations = new Dictionary<string, DestinationConfig> { ["upstream"] = new() { Address = upstreamUri.ToString() } },
    }]);

var app = builder.Build();
app.MapReverseProxy();
app.Run();
