using Microsoft.Extensions.Options;
using Serilog;
using Serilog.Formatting.Compact;
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
        builder.Services.AddOptions<WebKnockOptions>().Bind(builder.Configuration.GetSection(WebKnockOptions.SectionName)).PostConfigure(o => o.ApplyDefaults()).ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);

        builder.AddWebKnockLogging();
        builder.AddWebKnockKestrel();
        builder.Services
            .AddKnocking()
            .AddNftablesFirewall()
            .AddAccessWindows()
            .AddWebmail()
            .AddWebKnockProxy()
            .AddEventStore();
        builder.Services.AddHostedService<WebKnock.Events.WindowEventRecording>();

        return builder;
    }

    /// <summary>
    /// appsettings/appsettings.json and appsettings/appsettings.{Environment}.json beside the program,
    /// then /etc/webknock/appsettings.json, then WEBKNOCK_ environment variables and the command line.
    /// </summary>
    private static void AddWebKnockConfiguration(this WebApplicationBuilder builder)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "appsettings");
        var env = builder.Environment.EnvironmentName;
        // First, so that everything after it overrides it. ResolveFileProvider: the path is absolute.
        var defaults = new Microsoft.Extensions.Configuration.Json.JsonConfigurationSource { Path = Path.Combine(folder, "appsettings.json"), Optional = true };
        defaults.ResolveFileProvider();
        builder.Configuration.Sources.Insert(0, defaults);
        builder.Configuration.AddJsonFile(Path.Combine(folder, $"appsettings.{env}.json"), optional: true);
        builder.Configuration.AddJsonFile("/etc/webknock/appsettings.json", optional: true);
        builder.Configuration.AddEnvironmentVariables("WEBKNOCK_");
        builder.Configuration.AddCommandLine(Environment.GetCommandLineArgs().Skip(1).ToArray());
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
                logger.WriteTo.File(new CompactJsonFormatter(), options.LogFile, rollingInterval: RollingInterval.Day, retainedFileCountLimit: 31);
            }
        });
    }

    private static void AddWebKnockKestrel(this WebApplicationBuilder builder)
    {
        var connections = new ConnectionRegistry();
        builder.Services.AddSingleton(connections);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.ConfigureEndpointDefaults(listen => listen.Use(next => connection => connections.TrackAsync(connection, next)));
        });
    }
}
