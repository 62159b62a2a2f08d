using System.Net;
using Microsoft.Extensions.Options;

namespace WebKnock.Configuration;

/// <summary>
/// Refuses a start that would expose the gateway beyond what the firewall guards: a Kestrel endpoint on a port that is
/// not a protected port of a service (the kernel would let anybody reach it, window or not), and the in-memory backend
/// in the Production environment (it guards nothing in the kernel) unless
/// <c>WebKnock:Firewall:AllowInMemoryInProduction</c> says so. An endpoint on a loopback address (127.0.0.0/8, ::1,
/// <c>localhost</c>) or a Unix socket is not checked: nobody outside the host reaches it (the operations endpoint of a
/// local monitor, a development gateway).
/// </summary>
internal sealed class ExposureValidator(IConfiguration configuration, IHostEnvironment environment) : IValidateOptions<WebKnockOptions>
{
    private const string Root = WebKnockOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, WebKnockOptions options)
    {
        var errors = new List<string>();
        if (environment.IsProduction() && !string.Equals(options.Firewall.Backend, "Nftables", StringComparison.Ordinal) && !options.Firewall.AllowInMemoryInProduction)
        {
            errors.Add($"{Root}:Firewall:Backend is \"{options.Firewall.Backend}\" in the Production environment, which guards nothing in the kernel: "
                + $"use Nftables, or set {Root}:Firewall:AllowInMemoryInProduction to true to start anyway.");
        }

        int[] guarded = [.. options.Webmail.ProtectedPorts, .. options.Ssh?.ProtectedPorts ?? []];
        foreach (var (key, url) in Endpoints())
        {
            if (Problem(url, guarded) is { } problem)
            {
                errors.Add($"{key} ({url}) {problem}");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>
    /// The addresses Kestrel will listen on, each with its key: the <c>Kestrel:Endpoints</c>, or when there are none
    /// (Kestrel then takes the host's), <c>urls</c>, <c>http_ports</c> and <c>https_ports</c>.
    /// </summary>
    private IEnumerable<(string Key, string Url)> Endpoints()
    {
        var endpoints = configuration.GetSection("Kestrel:Endpoints").GetChildren().ToList();
        if (endpoints.Count > 0)
        {
            foreach (var endpoint in endpoints)
            {
                if (endpoint["Url"] is { Length: > 0 } url)
                {
                    yield return ($"{endpoint.Path}:Url", url);
                }
            }

            yield break;
        }

        foreach (var url in Split(configuration["urls"]))
        {
            yield return ("urls", url);
        }

        foreach (var (key, scheme) in new[] { ("http_ports", "http"), ("https_ports", "https") })
        {
            foreach (var port in Split(configuration[key]))
            {
                yield return (key, $"{scheme}://*:{port}");
            }
        }
    }

    private static IEnumerable<string> Split(string? list)
        => (list ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>What is wrong with listening on <paramref name="url"/>, or null.</summary>
    private static string? Problem(string url, int[] guarded)
    {
        BindingAddress address;
        try
        {
            address = BindingAddress.Parse(url);
        }
        catch (FormatException)
        {
            return null; // Kestrel refuses it itself, naming it
        }

        if (address.IsUnixPipe || address.IsNamedPipe || IsLoopback(address.Host))
        {
            return null;
        }

        if (guarded.Contains(address.Port))
        {
            return null;
        }

        return $"listens on port {address.Port}, which is not a protected port ({Root}:Webmail:ProtectedPorts: {string.Join(", ", guarded)}): "
            + "the kernel would let everybody reach it without a knock. Add the port to the protected ports, or listen on loopback only.";
    }

    private static bool IsLoopback(string host)
        => string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
}
