using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using WebKnock.Configuration;

namespace WebKnock.Firewall.Nftables;

/// <summary>What the kernel ruleset needs of the configuration; every message names its key.</summary>
internal static partial class RulesetValidation
{
    public static IReadOnlyList<string> Validate(WebKnockOptions options, NftablesOptions nftables)
    {
        var errors = new List<string>();
        var firewall = $"{WebKnockOptions.SectionName}:Firewall";
        if (!TableName().IsMatch(options.Firewall.Table ?? ""))
        {
            errors.Add($"{firewall}:Table must be a plain identifier (letters, digits, '_', at most 32).");
        }

        if (options.Firewall.NflogGroup is < 0 or > 65535)
        {
            errors.Add($"{firewall}:NflogGroup must be between 0 and 65535.");
        }

        var knockPorts = new HashSet<int>();
        var services = NftService.From(options, nftables);
        foreach (var (service, key) in services)
        {
            if (service.KnockPorts.Count == 0)
            {
                errors.Add($"{key}:Knock:Ports must name at least one port.");
            }

            foreach (var port in service.KnockPorts.Concat(service.ProtectedPorts).Where(p => p is < 1 or > 65535))
            {
                errors.Add($"{key}: port {port} is not between 1 and 65535.");
            }

            if (service.KnockPorts.Distinct().Count() != service.KnockPorts.Count)
            {
                errors.Add($"{key}:Knock:Ports must not repeat a port.");
            }

            foreach (var port in service.KnockPorts.Where(p => !knockPorts.Add(p)))
            {
                errors.Add($"{key}:Knock:Ports: port {port} is a knock port of another service.");
            }

            if (service.StepTimeout < TimeSpan.FromSeconds(1) || service.Window < TimeSpan.FromSeconds(1))
            {
                errors.Add($"{key}: Knock:StepTimeout and Window must be at least one second.");
            }

            if (service.RatePerSecond < 1 || service.RateBurst < 1 || service.TrackedSources < 1)
            {
                errors.Add($"{key}:Knock: RatePerSecond, RateBurst and MaxTrackedSources must be positive.");
            }
        }

        foreach (var (service, key) in services)
        {
            foreach (var port in service.ProtectedPorts.Where(knockPorts.Contains))
            {
                errors.Add($"{key}:ProtectedPorts: port {port} is also a knock port.");
            }
        }

        foreach (var network in options.Network.AlwaysAllowed.Where(n => !IPNetwork.TryParse(n?.Trim() ?? "", out _)))
        {
            errors.Add($"{WebKnockOptions.SectionName}:Network:AlwaysAllowed: '{network}' is not a network in CIDR form.");
        }

        if (nftables.DefaultDrop && options.Firewall.ClosedPorts == ClosedPortsMode.Reset)
        {
            errors.Add($"{NftablesOptions.SectionName}:DefaultDrop is replaced by {firewall}:ClosedPorts: remove DefaultDrop, or set ClosedPorts to Drop instead of Reset.");
        }

        ValidateNftables(nftables, knockPorts, errors);
        return errors;
    }

    private static void ValidateNftables(NftablesOptions nftables, HashSet<int> knockPorts, List<string> errors)
    {
        var key = NftablesOptions.SectionName;
        if (nftables.InputPriority is <= -200 or >= 0)
        {
            errors.Add($"{key}:InputPriority must lie between conntrack (-200) and the filter chains (0), exclusive.");
        }

        if (nftables.ScanThreshold < 1 || nftables.ScanPeriod < TimeSpan.FromSeconds(1))
        {
            errors.Add($"{key}: ScanThreshold must be positive and ScanPeriod at least one second.");
        }

        if (nftables.ScanBlockTime < TimeSpan.FromSeconds(1) || nftables.FloodBanTime < TimeSpan.FromSeconds(1))
        {
            errors.Add($"{key}: ScanBlockTime and FloodBanTime must be at least one second.");
        }

        if (nftables.KnockLogRatePerSecond < 1 || nftables.NoiseLogRatePerSecond < 1 || nftables.OpenLogRatePerSecond < 1)
        {
            errors.Add($"{key}: OpenLogRatePerSecond, KnockLogRatePerSecond and NoiseLogRatePerSecond must be positive.");
        }

        if (nftables.RejectRatePerSecond < 1)
        {
            errors.Add($"{key}:RejectRatePerSecond must be positive.");
        }

        if (nftables.SourcePrefixV4 is < 8 or > 32)
        {
            errors.Add($"{key}:SourcePrefixV4 must be between 8 and 32.");
        }

        if (nftables.SourcePrefixV6 is < 16 or > 128)
        {
            errors.Add($"{key}:SourcePrefixV6 must be between 16 and 128.");
        }

        if (!(nftables.PrefixShare > 0 && nftables.PrefixShare <= 1))
        {
            errors.Add($"{key}:PrefixShare must be a fraction above 0 and at most 1 (0.1 is a tenth of each set).");
        }

        if (nftables.SetCheckInterval < TimeSpan.FromSeconds(1))
        {
            errors.Add($"{key}:SetCheckInterval must be at least one second.");
        }

        if (nftables.MaxWindows is < 1 or > 16_777_216)
        {
            errors.Add($"{key}:MaxWindows must be between 1 and 16777216.");
        }

        if (nftables.MaxNetworkWindows is < 1 or > 65536)
        {
            errors.Add($"{key}:MaxNetworkWindows must be between 1 and 65536.");
        }

        if (nftables.WatchdogInterval < TimeSpan.FromMilliseconds(100))
        {
            errors.Add($"{key}:WatchdogInterval must be at least 100 ms.");
        }

        foreach (var port in nftables.AlwaysOpenTcpPorts.Concat(nftables.AlwaysOpenUdpPorts).Where(p => p is < 1 or > 65535))
        {
            errors.Add($"{key}: always-open port {port} is not between 1 and 65535.");
        }

        foreach (var port in nftables.AlwaysOpenTcpPorts.Where(knockPorts.Contains))
        {
            errors.Add($"{key}:AlwaysOpenTcpPorts: port {port} is a knock port.");
        }
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]{0,31}$")]
    private static partial Regex TableName();
}

/// <summary>Refuses to start with a configuration the ruleset cannot be built from.</summary>
internal sealed class NftablesOptionsValidator(IOptions<WebKnockOptions> options) : IValidateOptions<NftablesOptions>
{
    public ValidateOptionsResult Validate(string? name, NftablesOptions nftables)
    {
        var errors = RulesetValidation.Validate(options.Value, nftables);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
