using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;

namespace SquirrelMailFixture;

/// <summary>
/// A stand-in for SquirrelMail 1.4.23 (and some test endpoints), reproducing its HTTP behaviour:
/// pages, cookies, sessions, frames, downloads. Used as the upstream in tests and benchmarks.
/// </summary>
public static class SquirrelMailApp
{
    public const string DefaultStandaloneUrl = "http://127.0.0.1:8080";

    /// <summary>
    /// Builds the fixture. <paramref name="url"/> null means: the <c>urls</c> setting (<c>--urls</c>),
    /// else <see cref="DefaultStandaloneUrl"/>. The app's <see cref="SessionStore"/> is a registered singleton.
    /// </summary>
    public static WebApplication Build(string[] args, string? url = null, FixtureOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        options ??= new FixtureOptions();
        options.Validate();

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(args);
        if (url is not null)
        {
            builder.WebHost.UseUrls(url);
        }
        else if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(DefaultStandaloneUrl);
        }

        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<SessionStore>();

        WebApplication app = builder.Build();
        SessionStore store = app.Services.GetRequiredService<SessionStore>();
        new SquirrelMailEndpoints(options, store).Map(app);
        FixtureEndpoints.Map(app, store);
        return app;
    }

    /// <summary>
    /// Starts the fixture on <paramref name="url"/> (port 0 picks a free port) and returns it with
    /// the address actually bound. Dispose the result to stop it.
    /// </summary>
    public static async Task<RunningFixture> StartAsync(
        string url = "http://127.0.0.1:0", FixtureOptions? options = null, CancellationToken cancellationToken = default)
    {
        WebApplication app = Build([], url, options);
        try
        {
            await app.StartAsync(cancellationToken);
            IServerAddressesFeature addresses = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>();
            string bound = addresses.Addresses.First();
            return new RunningFixture(app, new Uri(bound.TrimEnd('/') + "/"), app.Services.GetRequiredService<FixtureOptions>(),
                app.Services.GetRequiredService<SessionStore>());
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }
}
