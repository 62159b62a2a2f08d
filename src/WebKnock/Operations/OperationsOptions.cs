using Microsoft.Extensions.Options;
using WebKnock.Configuration;

namespace WebKnock.Operations;

/// <summary>The <c>WebKnock:Operations</c> section: the metrics and health endpoints, and who may read them.</summary>
public sealed class OperationsOptions
{
    public const string SectionName = "WebKnock:Operations";

    /// <summary>The networks used when none is configured: loopback only.</summary>
    public static readonly string[] DefaultNetworks = ["127.0.0.0/8", "::1/128"];

    /// <summary>Whether the gateway answers the two paths at all (otherwise they are paths like any other).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Addresses or networks (CIDR) that may read the endpoints, window or not; everybody else gets the gate's usual
    /// answer. Empty means loopback only (127.0.0.0/8 and ::1/128), filled in after binding.
    /// </summary>
    public string[] Networks { get; set; } = [];

    /// <summary>Where the Prometheus text is served.</summary>
    public string MetricsPath { get; set; } = "/metrics";

    /// <summary>Where the health checks are served (200 when all pass, 503 otherwise).</summary>
    public string HealthPath { get; set; } = "/healthz";

    /// <summary>The most time each health check may take before it counts as failed.</summary>
    public TimeSpan CheckTimeout { get; set; } = TimeSpan.FromSeconds(2);

    public OperationsOptions ApplyDefaults()
    {
        if (Networks.Length == 0)
        {
            Networks = [.. DefaultNetworks];
        }

        return this;
    }
}

/// <summary>Refuses to start on a bad operations section; every message names its key.</summary>
internal sealed class OperationsOptionsValidator : IValidateOptions<OperationsOptions>
{
    private const string Key = OperationsOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, OperationsOptions options)
    {
        var errors = new List<string>();
        if (!NetworkList.TryParse(options.Networks, out _, out var bad))
        {
            errors.Add($"{Key}:Networks:{bad} is not an address or a network (got \"{options.Networks[bad]}\").");
        }

        ValidatePath($"{Key}:MetricsPath", options.MetricsPath, errors);
        ValidatePath($"{Key}:HealthPath", options.HealthPath, errors);
        if (string.Equals(options.MetricsPath, options.HealthPath, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"{Key}:MetricsPath and {Key}:HealthPath must differ (both \"{options.MetricsPath}\").");
        }

        if (options.CheckTimeout < TimeSpan.FromMilliseconds(100) || options.CheckTimeout > TimeSpan.FromSeconds(30))
        {
            errors.Add($"{Key}:CheckTimeout must be between 00:00:00.1 and 00:00:30 (got {options.CheckTimeout}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidatePath(string key, string? path, List<string> errors)
    {
        if (path is null || path.Length < 2 || path[0] != '/' || path.EndsWith('/')
            || path.Any(c => c is '?' or '#' or '{' or '}' or '*' or '%' || char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            errors.Add($"{key} must be a path like /metrics: a '/', a name, no trailing '/', no '?', '#', '%', braces or '*' (got \"{path}\").");
        }
    }
}
