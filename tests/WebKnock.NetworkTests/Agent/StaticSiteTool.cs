using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace WebKnock.NetworkTests.Agent;

/// <summary>
/// <c>serve HOST PORT DIR</c>: a plain HTTP server for the files of one folder, as an administrator hosts the knock
/// page "on any web server" (README). Prints <c>listening</c> when ready and serves until stdin closes.
/// </summary>
internal static class StaticSiteTool
{
    public static async Task<int> RunAsync(string host, int port, string folder)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = folder });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Parse(host), port));
        var app = builder.Build();
        app.Use((context, next) =>
        {
            // The page reads knock-config.json at every load; a test rewrites it between loads.
            context.Response.Headers.CacheControl = "no-store";
            return next(context);
        });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = new PhysicalFileProvider(folder) });
        await app.StartAsync();
        Console.WriteLine("listening");
        await Console.In.ReadToEndAsync();
        await app.StopAsync(TimeSpan.FromSeconds(2));
        return 0;
    }
}
