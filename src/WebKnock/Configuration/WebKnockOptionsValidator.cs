using System.Net;
using Microsoft.Extensions.Options;

namespace WebKnock.Configuration;

/// <summary>Refuses to start on a configuration that would not work or not be safe; every message names its key.</summary>
internal sealed partial class WebKnockOptionsValidator : IValidateOptions<WebKnockOptions>
{
    private const string Root = WebKnockOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, WebKnockOptions options)
    {
        var errors = new List<string>();
        ValidateService($"{Root}:Webmail", options.Webmail, errors);
        if (options.Ssh is not null)
        {
            ValidateService($"{Root}:Ssh", options.Ssh, errors);
            ValidateDisjoint(options.Webmail, options.Ssh, errors);
            ValidateLockout(options.Ssh, options.Network, errors);
        }

        ValidateUpstream(options.Upstream, errors);
        ValidateSessions(options.Sessions, errors);
        ValidateNetworks(options.Network, errors);
        ValidateFirewall(options.Firewall, errors);
        ValidatePrefix(options.PathPrefix, errors);
        if (options.LogFileSizeLimitBytes < 65536)
        {
            errors.Add($"{Root}:LogFileSizeLimitBytes must be at least 65536 bytes (got {options.LogFileSizeLimitBytes}).");
        }

        if (options.LogFileCountLimit < 1)
        {
            errors.Add($"{Root}:LogFileCountLimit must be at least 1 (got {options.LogFileCountLimit}).");
        }

        if (options.Banner.WarnBefore <= TimeSpan.Zero)
        {
            errors.Add($"{Root}:Banner:WarnBefore must be positive (got {options.Banner.WarnBefore}).");
        }

        if (options.Banner.RefreshInterval < TimeSpan.FromSeconds(1))
        {
            errors.Add($"{Root}:Banner:RefreshInterval must be at least 00:00:01 (got {options.Banner.RefreshInterval}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidateUpstream(UpstreamOptions upstream, List<string> errors)
    {
        if (!Uri.TryCreate(upstream.Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add($"{Root}:Upstream:Url must be an absolute http or https address (got \"{upstream.Url}\").");
        }

        if (!Webmail.WebmailProfiles.Names.Contains(upstream.Profile, StringComparer.OrdinalIgnoreCase))
        {
            errors.Add($"{Root}:Upstream:Profile must be one of {string.Join(", ", Webmail.WebmailProfiles.Names)} (got \"{upstream.Profile}\").");
        }
    }

    private static void ValidateSessions(WebmailSessionOptions sessions, List<string> errors)
    {
        if (sessions.IdleTimeout < TimeSpan.FromMinutes(1))
        {
            errors.Add($"{Root}:Sessions:IdleTimeout must be at least 00:01:00 (got {sessions.IdleTimeout}).");
        }

        if (sessions.SweepInterval <= TimeSpan.Zero || sessions.SweepInterval > sessions.IdleTimeout)
        {
            errors.Add($"{Root}:Sessions:SweepInterval must be positive and not longer than {Root}:Sessions:IdleTimeout (got {sessions.SweepInterval}).");
        }

        if (sessions.MaxSessionsPerAddress < 1)
        {
            errors.Add($"{Root}:Sessions:MaxSessionsPerAddress must be at least 1 (got {sessions.MaxSessionsPerAddress}).");
        }

        if (sessions.MaxSessions < sessions.MaxSessionsPerAddress)
        {
            errors.Add($"{Root}:Sessions:MaxSessions must be at least MaxSessionsPerAddress ({sessions.MaxSessionsPerAddress}) (got {sessions.MaxSessions}).");
        }

        var failed = sessions.FailedLogins;
        if (failed.MaxFailures < 0)
        {
            errors.Add($"{Root}:Sessions:FailedLogins:MaxFailures must be 0 (never block) or more (got {failed.MaxFailures}).");
        }
        else if (failed.MaxFailures > 0 && (failed.FindTime < TimeSpan.FromSeconds(1) || failed.BlockTime < TimeSpan.FromSeconds(1)))
        {
            errors.Add($"{Root}:Sessions:FailedLogins:FindTime and {Root}:Sessions:FailedLogins:BlockTime must be at least one second "
                + $"(got {failed.FindTime} and {failed.BlockTime}).");
        }
    }

    private static void ValidateNetworks(NetworkOptions network, List<string> errors)
    {
        if (!NetworkList.TryParse(network.TrustedProxies, out _, out var bad))
        {
            errors.Add($"{Root}:Network:TrustedProxies:{bad} is not an address or a network (got \"{network.TrustedProxies[bad]}\").");
        }

        if (!NetworkList.TryParse(network.AlwaysAllowed, out _, out bad))
        {
            errors.Add($"{Root}:Network:AlwaysAllowed:{bad} is not an address or a network (got \"{network.AlwaysAllowed[bad]}\").");
        }

        if (network.MaxConnectionsPerAddress < 0)
        {
            errors.Add($"{Root}:Network:MaxConnectionsPerAddress must be 0 (no limit) or more (got {network.MaxConnectionsPerAddress}).");
        }

        if (network.WindowWait < TimeSpan.Zero || network.WindowWait > TimeSpan.FromSeconds(10))
        {
            errors.Add($"{Root}:Network:WindowWait must be between 00:00:00 and 00:00:10 (got {network.WindowWait}).");
        }

        if (network.NetworkWindowMinPrefixV4 is < 1 or > 32)
        {
            errors.Add($"{Root}:Network:NetworkWindowMinPrefixV4 must be between 1 and 32 (got {network.NetworkWindowMinPrefixV4}).");
        }

        if (network.NetworkWindowMinPrefixV6 is < 1 or > 128)
        {
            errors.Add($"{Root}:Network:NetworkWindowMinPrefixV6 must be between 1 and 128 (got {network.NetworkWindowMinPrefixV6}).");
        }
    }

    private static void ValidateFirewall(FirewallOptions firewall, List<string> errors)
    {
        if (firewall.Backend is not ("InMemory" or "Nftables"))
        {
            errors.Add($"{Root}:Firewall:Backend must be InMemory or Nftables (got \"{firewall.Backend}\").");
        }

        if (firewall.ReconcileInterval < TimeSpan.FromSeconds(1) || firewall.ReconcileInterval > TimeSpan.FromHours(1))
        {
            errors.Add($"{Root}:Firewall:ReconcileInterval must be between 00:00:01 and 01:00:00 (got {firewall.ReconcileInterval}).");
        }

        if (string.IsNullOrEmpty(firewall.Table) || !firewall.Table.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            errors.Add($"{Root}:Firewall:Table must be letters, digits and '_' (got \"{firewall.Table}\").");
        }

        if (firewall.NflogGroup is < 1 or > 65535)
        {
            errors.Add($"{Root}:Firewall:NflogGroup must be between 1 and 65535 (got {firewall.NflogGroup}).");
        }
    }

    private static void ValidatePrefix(string prefix, List<string> errors)
    {
        if (prefix.Length < 3 || !prefix.StartsWith('/') || !prefix.EndsWith('/') || prefix.Any(c => c is '?' or '#' or ' '))
        {
            errors.Add($"{Root}:PathPrefix must start and end with '/' and hold a name, like /.webknock/ (got \"{prefix}\").");
        }
    }

    private static bool IsMonotonic(int[] ports)
    {
        bool ascending = true, descending = true;
        for (var i = 1; i < ports.Length; i++)
        {
            ascending &= ports[i] > ports[i - 1];
            descending &= ports[i] < ports[i - 1];
        }

        return ascending || descending;
    }

    // Chromium's and Firefox's restricted ports (net/base/port_util.cc): a fetch to them fails before any SYN.
    private static readonly HashSet<int> BrowserRestrictedPorts =
    [
        1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104,
        109, 110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515,
        526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049,
        3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
    ];
}
