using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Serilog;
using Serilog.Formatting.Compact;
using WebKnock.Cli;
using WebKnock.Configuration;
using WebKnock.Proxy.Gate;

namespace Microsoft.AspNetCore.Builder;

internal static class WebKnockHostBuilderExtensions
{
    /// <summary>Configuration files, logging, options and every feature of the gateway.</summary>
    public static WebApplicationBuilder AddWebKnock(this WebApplicationBuilder builder)
    {
        builder.AddWebKnockConfiguration();
        builder.Services.AddSingleton<IValidateOptions<WebKnockOptions>, WebKnockOptionsValidator>();
        builder.Services.AddSingleton<IValidateOptions<WebKnockOptions>, PortListValidator>();
        builder.Services.AddSingleton<IValidateOptions<WebKnockOptions>, ExposureValidator>();
        builder.Services.AddOptions<WebKnockOptions>().Bind(builder.Configuration.GetSection(WebKnockOptions.SectionName)).PostConfigure(o => o.ApplyDefaults()).ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);

        builder.AddWebKnockLogging();
        builder.AddWebKnockDataProtection();
        builder.AddWebKnockKestrel();
        builder.Services
            .AddKnocking()
            .AddNftablesFirewall()
            .AddAccessWindows()
            .AddWebmail()
            .AddWebKnockProxy()
            .AddEventStore()
            .AddOperations()
            .AddSpa();
        builder.Services.AddHostedService<WebKnock.Events.WindowEventRecording>();
        builder.Services.AddWebKnockAdmin();

        // Blazor's framework script (the admin's blazor.web.js) is a static web asset: published into wwwroot/, but
        // in a build output only listed in the runtime manifest, which ASP.NET Core reads by itself only in
        // Development. Read it in every environment; without the manifest (a published program) this does nothing.
        builder.WebHost.UseStaticWebAssets();

        return builder;
    }

    /// <summary>
    /// Binds and validates every option validated at start now, before anything listens or logs a failed start: a bad
    /// value throws here (see <see cref="WebKnock.Hosting.StartupFailure"/>).
    /// </summary>
    public static WebApplication ValidateWebKnockOptions(this WebApplication app)
    {
        app.Services.GetService<IStartupValidator>()?.Validate();
        return app;
    }

    /// <summary>
    /// appsettings/appsettings.json and appsettings/appsettings.{Environment}.json beside the program,
    /// then /etc/webknock/appsettings.json, then WEBKNOCK_ environment variables and the command line
    /// (the same sources the commands read, see <see cref="WebKnockConfiguration"/>).
    /// </summary>
    private static void AddWebKnockConfiguration(this WebApplicationBuilder builder)
        => builder.Configuration.AddWebKnockSources(builder.Environment.EnvironmentName, Environment.GetCommandLineArgs().Skip(1));

    /// <summary>
    /// The keys behind the admin cookie, the anti-forgery tokens and the admin's status messages, kept in
    /// <c>WebKnock:KeysPath</c> (default: a <c>keys</c> folder beside the event store, /var/lib/webknock/keys in
    /// production) so that a restart does not sign administrators out or void the tokens of open pages. Under the
    /// systemd unit there is no home folder, and without this the keys would live in memory only.
    /// </summary>
    private static void AddWebKnockDataProtection(this WebApplicationBuilder builder)
    {
        var configured = builder.Configuration[$"{WebKnockOptions.SectionName}:KeysPath"];
        var folder = string.IsNullOrWhiteSpace(configured)
            ? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(builder.Configuration["WebKnock:Events:Path"] ?? "data/events.db"))!, "keys")
            : Path.GetFullPath(configured);
        var directory = OperatingSystem.IsWindows()
            ? Directory.CreateDirectory(folder)
            : Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        builder.Services.AddDataProtection().SetApplicationName("WebKnock").PersistKeysToFileSystem(directory);
    }

    private static void AddWebKnockLogging(this WebApplicationBuilder builder)
    {
        builder.Services.AddSerilog((services, logger) =>
        {
            var options = services.GetRequiredService<IOptions<WebKnockOptions>>().Value;
            logger.ReadFrom.Configuration(builder.Configuration)
                .Enrich.FromLogContext()
                .WriteTo.Console(formatProvider: System.Globalization.CultureInfo.InvariantCulture);
            if (!string.IsNullOrEmpty(options.LogFile))
            {
                // Bounded on disk whatever the rate: a flood may fill files, never the disk.
                logger.WriteTo.File(new CompactJsonFormatter(), options.LogFile, rollingInterval: RollingInterval.Day,
                    fileSizeLimitBytes: options.LogFileSizeLimitBytes, rollOnFileSizeLimit: true, retainedFileCountLimit: options.LogFileCountLimit);
            }
        });
    }

    private static void AddWebKnockKestrel(this WebApplicationBuilder builder)
    {
        var connections = new ConnectionRegistry();
        var strangers = new StrangerConnections();
        builder.Services.AddSingleton(connections);
        builder.Services.AddSingleton(strangers);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            WebKnock.Hosting.KestrelLimitsConfiguration.Bind(builder.Configuration, kestrel.Limits);
            // Both before TLS (the endpoint's UseHttps comes after the defaults): first strangers are closed, then the
            // per-address limit counts what is left.
            kestrel.ConfigureEndpointDefaults(listen => listen
                .Use(next => connection => strangers.FilterAsync(connection, next))
                .Use(next => connection => connections.TrackAsync(connection, next)));
        });
    }
}
