using Microsoft.Extensions.Options;
using WebKnock.Configuration;

namespace WebKnock.Knocking.Spa;

/// <summary>Single-packet authorization, <c>WebKnock:Spa</c>: fwknop clients send one UDP packet to open a window.</summary>
public sealed class SpaOptions
{
    /// <summary>Whether the kernel passes UDP packets to <see cref="Port"/> to the gateway (default false).</summary>
    public bool Enabled { get; set; }

    /// <summary>The UDP port SPA packets go to (fwknop's default, 62201). Nothing answers there.</summary>
    public int Port { get; set; } = 62201;

    /// <summary>A packet older than this, or as far in the future, is refused (fwknopd's MAX_SPA_PACKET_AGE, 120 s).</summary>
    public TimeSpan MaxPacketAge { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>The SQLite file of accepted digests; empty: <c>spa-digests.db</c> beside the event store.</summary>
    public string ReplayCachePath { get; set; } = "";

    /// <summary>SPA packets a source may send per second before the kernel drops the rest unseen.</summary>
    public int RatePerSecond { get; set; } = 5;

    /// <summary>The per-source burst above <see cref="RatePerSecond"/>.</summary>
    public int RateBurst { get; set; } = 10;

    /// <summary>SPA packets per second, over all sources, that the kernel passes to the gateway.</summary>
    public int LogRatePerSecond { get; set; } = 200;
}

/// <summary>Refuses SPA settings that cannot work; every message names its key.</summary>
internal sealed class SpaOptionsValidator : IValidateOptions<WebKnockOptions>
{
    private const string Root = "WebKnock:Spa";

    public ValidateOptionsResult Validate(string? name, WebKnockOptions options)
    {
        var spa = options.Spa;
        var errors = new List<string>();
        if (spa.Port is < 1 or > 65535)
        {
            errors.Add($"{Root}:Port must be 1-65535.");
        }

        if (spa.MaxPacketAge < TimeSpan.FromSeconds(5) || spa.MaxPacketAge > TimeSpan.FromHours(1))
        {
            errors.Add($"{Root}:MaxPacketAge must be between 00:00:05 and 01:00:00.");
        }

        if (spa.RatePerSecond < 1 || spa.RateBurst < 1 || spa.LogRatePerSecond < 1)
        {
            errors.Add($"{Root}:RatePerSecond, {Root}:RateBurst and {Root}:LogRatePerSecond must be at least 1.");
        }

        if (spa.Enabled)
        {
            var services = new[] { options.Webmail }.Concat(options.Ssh is null ? [] : [options.Ssh]);
            if (services.Any(s => s.ProtectedPorts.Contains(spa.Port) || (s.Knock.Ports.Contains(spa.Port) && s.Knock.Protocol == "udp")))
            {
                errors.Add($"{Root}:Port {spa.Port} is a protected or knock port of a service.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
