using Yarp.ReverseProxy.Configuration;

// The baseline for bench/run.sh: a reverse proxy with YARP's defaults and nothing of WebKnock's
// (no gate, no sessions, no banner, no logging besides warnings). Usage:
//   bareyarp --upstream http://127.0.0.1:18080/ [--settings appsettings/appsettings.json] [--urls ...]
// --settings reads a JSON file under the command line, so the benchmark gives BareYarp WebKnock's own
// Kestrel section (limits, protocols, endpoint) and both servers run with the same Kestrel settings.
var builder = WebApplication.CreateBuilder(args);
if (builder.Configuration["settings"] is { Length: > 0 } settings)
{
    builder.Configuration.AddJsonFile(Path.GetFullPath(settings), optional: false);
    builder.Configuration.AddCommandLine(args); // the command line still wins
}

var upstream = builder.Configuration["upstream"]
    ?? throw new ArgumentException("--upstream URL is required, for example --upstream http://127.0.0.1:18080/");
if (!Uri.TryCreate(upstream, UriKind.Absolute, out var upstreamUri) || upstreamUri.Scheme is not ("http" or "https"))
{
    throw new ArgumentException($"--upstream must be an absolute http(s) URL (got '{upstream}').");
}

// What WebKnock sets on Kestrel in code; the rest comes from the Kestrel section.
// Kestrel reads only endpoints from its section; the limits are bound as WebKnock binds them (its data rates
// are Kestrel's defaults, which this plain binding leaves in place).
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.AddServerHeader = false;
    builder.Configuration.GetSection("Kestrel:Limits").Bind(kestrel.Limits);
});
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
