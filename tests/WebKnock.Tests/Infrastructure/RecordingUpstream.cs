using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace WebKnock.Tests.Infrastructure;

/// <summary>A webmail stand-in on 127.0.0.1 that records every request reaching it (method, path, headers) and answers a small page.</summary>
internal sealed class RecordingUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RecordingUpstream(WebApplication app, string url, ConcurrentQueue<Seen> requests)
    {
        _app = app;
        Url = url;
        Requests = requests;
    }

    /// <summary>Its address, ending in '/'.</summary>
    public string Url { get; }

    public ConcurrentQueue<Seen> Requests { get; }

    public static async Task<RecordingUpstream> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var requests = new ConcurrentQueue<Seen>();
        app.Run(context =>
        {
            requests.Enqueue(new Seen(
                context.Request.Method,
                context.Request.Path.Value ?? "",
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));
            context.Response.ContentType = "text/plain";
            return context.Response.WriteAsync("upstream");
        });
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RecordingUpstream(app, url.TrimEnd('/') + "/", requests);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    internal sealed record Seen(string Method, string Path, IReadOnlyDictionary<string, string> Headers);
}
