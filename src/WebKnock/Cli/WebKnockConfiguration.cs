using Microsoft.Extensions.Configuration.Json;
using WebKnock.Configuration;
using WebKnock.Firewall.Nftables;

namespace WebKnock.Cli;

/// <summary>
/// Where WebKnock's configuration comes from, in order (later wins): <c>appsettings/appsettings.json</c> and
/// <c>appsettings/appsettings.{Environment}.json</c> beside the program, <c>/etc/webknock/appsettings.json</c>,
/// <c>WEBKNOCK_</c> environment variables, then <c>--Key=Value</c> switches. The gateway and the commands that
/// run without it (<c>webknock firewall ...</c>) read the same sources through this class.
/// </summary>
internal static class WebKnockConfiguration
{
    public const string SystemFile = "/etc/webknock/appsettings.json";
    public const string EnvironmentPrefix = "WEBKNOCK_";

    /// <summary>The folder of the shipped settings, beside the program.</summary>
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "appsettings");

    /// <summary>The environment as ASP.NET Core picks it: ASPNETCORE_ENVIRONMENT, then DOTNET_ENVIRONMENT, else Production.</summary>
    public static string EnvironmentName()
    {
        foreach (var variable in new[] { "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT" })
        {
            if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } name)
            {
                return name;
            }
        }

        return "Production";
    }

    /// <summary>
    /// Adds WebKnock's sources to a builder that may already hold others: the shipped appsettings.json goes
    /// first (under anything the host added), the rest after.
    /// </summary>
    public static IConfigurationBuilder AddWebKnockSources(
        this IConfigurationBuilder builder, string environment, IEnumerable<string> switches, string? folder = null, string? systemFile = null)
    {
        folder ??= Folder;
        // A source made by hand must resolve its own file provider: left to the builder's (the content root), an
        // absolute path is looked up under the content root and never found.
        var shipped = new JsonConfigurationSource { Path = Path.Combine(folder, "appsettings.json"), Optional = true, ReloadOnChange = false };
        shipped.ResolveFileProvider();
        builder.Sources.Insert(0, shipped);
        builder.AddJsonFile(Path.Combine(folder, $"appsettings.{environment}.json"), optional: true, reloadOnChange: false);
        builder.AddJsonFile(systemFile ?? SystemFile, optional: true, reloadOnChange: false);
        builder.AddEnvironmentVariables(EnvironmentPrefix);
        builder.AddCommandLine([.. switches]);
        return builder;
    }

    /// <summary>The configuration alone, for a command that runs without the gateway.</summary>
    public static IConfigurationRoot Build(IEnumerable<string> switches, string? environment = null, string? folder = null, string? systemFile = null)
        => new ConfigurationBuilder().AddWebKnockSources(environment ?? EnvironmentName(), switches, folder, systemFile).Build();

    /// <summary>Binds the <c>WebKnock</c> section as the gateway does (array defaults applied after binding).</summary>
    public static WebKnockOptions BindWebKnock(IConfiguration configuration)
    {
        var options = new WebKnockOptions();
        configuration.GetSection(WebKnockOptions.SectionName).Bind(options);
        return options.ApplyDefaults();
    }

    /// <summary>Binds <c>WebKnock:Firewall:Nftables</c>.</summary>
    public static NftablesOptions BindNftables(IConfiguration configuration)
    {
        var options = new NftablesOptions();
        configuration.GetSection(NftablesOptions.SectionName).Bind(options);
        return options;
    }

    /// <summary>Whether a command-line word is a configuration switch (<c>--Key=Value</c> or <c>/Key=Value</c>).</summary>
    public static bool IsSwitch(string word)
        => (word.StartsWith("--", StringComparison.Ordinal) ? word[2..] : word.StartsWith('/') ? word[1..] : "") is { } rest
            && rest.IndexOf('=', StringComparison.Ordinal) > 0;
}
