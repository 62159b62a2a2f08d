using System.Net;
using Microsoft.Extensions.Options;

namespace WebKnock.Configuration;

/// <summary>Refuses to start on a configuration that would not work or not be safe; every message names its key.</summary>
internal sealed class WebKnockOptionsValidator : IValidateOptions<WebKnockOptions>
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

    private static void ValidateService(string key, ServiceOptions service, List<string> errors)
    {
        var knock = service.Knock;
        if (knock.Ports.Length < 2)
        {
            errors.Add($"{key}:Knock:Ports needs at least two ports (got {knock.Ports.Length}).");
        }

        for (var i = 0; i < knock.Ports.Length; i++)
        {
            if (knock.Ports[i] is < 1 or > 65535)
            {
                errors.Add($"{key}:Knock:Ports:{i} must be a port between 1 and 65535 (got {knock.Ports[i]}).");
            }
            else if (knock.BrowserKnock && BrowserRestrictedPorts.Contains(knock.Ports[i]))
            {
                errors.Add($"{key}:Knock:Ports:{i} is {knock.Ports[i]}, a port browsers refuse to connect to; choose another or set {key}:Knock:BrowserKnock to false.");
            }
        }

        for (var i = 1; i < knock.Ports.Length; i++)
        {
            if (knock.Ports[i] == knock.Ports[i - 1])
            {
                errors.Add($"{key}:Knock:Ports:{i} repeats the previous port {knock.Ports[i]}; repeated SYNs are tolerated as retries, so a step must differ from the one before.");
            }
        }

        if (knock.Ports.Length >= 3 && IsMonotonic(knock.Ports))
        {
            errors.Add($"{key}:Knock:Ports is in ascending or descending order; a sequential port scan would complete it. Shuffle the ports.");
        }

        if (!string.Equals(knock.Protocol, "tcp", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"{key}:Knock:Protocol must be \"tcp\" (got \"{knock.Protocol}\").");
        }

        if (knock.StepTimeout <= TimeSpan.Zero || knock.StepTimeout > TimeSpan.FromMinutes(5))
        {
            errors.Add($"{key}:Knock:StepTimeout must be between 00:00:00 and 00:05:00 (got {knock.StepTimeout}).");
        }

        if (knock.MaxTrackedSources < 1)
        {
            errors.Add($"{key}:Knock:MaxTrackedSources must be at least 1 (got {knock.MaxTrackedSources}).");
        }

        if (knock.RatePerSecond < 1 || knock.RateBurst < 0)
        {
            errors.Add($"{key}:Knock:RatePerSecond must be at least 1 and {key}:Knock:RateBurst not negative (got {knock.RatePerSecond}, {knock.RateBurst}).");
        }

        ValidateCredentials(key, service, errors);
        if (service.Window <= knock.StepTimeout)
        {
            errors.Add($"{key}:Window ({service.Window}) must be longer than {key}:Knock:StepTimeout ({knock.StepTimeout}).");
        }

        if (service.MaxWindow < service.Window)
        {
            errors.Add($"{key}:MaxWindow ({service.MaxWindow}) must not be shorter than {key}:Window ({service.Window}).");
        }

        if (service.ProtectedPorts.Length == 0)
        {
            errors.Add($"{key}:ProtectedPorts needs at least one port.");
        }

        for (var i = 0; i < service.ProtectedPorts.Length; i++)
        {
            var port = service.ProtectedPorts[i];
            if (port is < 1 or > 65535)
            {
                errors.Add($"{key}:ProtectedPorts:{i} must be a port between 1 and 65535 (got {port}).");
            }
            else if (knock.Ports.Contains(port))
            {
                errors.Add($"{key}:ProtectedPorts:{i} ({port}) is also a knock port.");
            }
        }
    }

    private static void ValidateCredentials(string key, ServiceOptions service, List<string> errors)
    {
        var knock = service.Knock;
        var totp = knock.Totp;
        if (knock.CredentialPrefixV4 is < 8 or > 32 || knock.CredentialPrefixV6 is < 16 or > 128)
        {
            errors.Add($"{key}:Knock:CredentialPrefixV4 must be 8-32 and {key}:Knock:CredentialPrefixV6 16-128 (got {knock.CredentialPrefixV4}, {knock.CredentialPrefixV6}).");
        }

        if (!Enum.IsDefined(knock.CredentialOpens))
        {
            errors.Add($"{key}:Knock:CredentialOpens must be Address or Prefix.");
        }

        if (!totp.Enabled)
        {
            return;
        }

        if (totp.Ports is < 3 or > 8)
        {
            errors.Add($"{key}:Knock:Totp:Ports must be between 3 and 8 (got {totp.Ports}).");
        }

        if (totp.RangeStart is < 1 or > 65535 || totp.RangeEnd is < 1 or > 65535 || totp.RangeEnd < totp.RangeStart)
        {
            errors.Add($"{key}:Knock:Totp:RangeStart and {key}:Knock:Totp:RangeEnd must be ports with RangeStart <= RangeEnd (got {totp.RangeStart}-{totp.RangeEnd}).");
        }
        else if (totp.RangeEnd - totp.RangeStart + 1 < 256)
        {
            errors.Add($"{key}:Knock:Totp:RangeStart..RangeEnd must hold at least 256 ports (got {totp.RangeEnd - totp.RangeStart + 1}).");
        }
    }

    private static void ValidateDisjoint(ServiceOptions webmail, ServiceOptions ssh, List<string> errors)
    {
        var webmailPorts = webmail.Knock.Ports.Concat(webmail.ProtectedPorts).ToHashSet();
        foreach (var port in ssh.Knock.Ports.Concat(ssh.ProtectedPorts).Where(webmailPorts.Contains))
        {
            errors.Add($"{Root}:Ssh uses port {port}, which {Root}:Webmail uses already.");
        }

        var (a, b) = (webmail.Knock.Totp, ssh.Knock.Totp);
        if (a.Enabled && b.Enabled && a.RangeStart <= b.RangeEnd && b.RangeStart <= a.RangeEnd)
        {
            errors.Add($"{Root}:Ssh:Knock:Totp's range {b.RangeStart}-{b.RangeEnd} overlaps {Root}:Webmail:Knock:Totp's {a.RangeStart}-{a.RangeEnd}.");
        }
    }

    /// <summary>
    /// Guarding SSH without a network that always gets through can lock the administrators out (a wrong knock,
    /// a NAT that changes address, a gateway that is down). Loopback does not count: it always passes anyway.
    /// </summary>
    private static void ValidateLockout(SshOptions ssh, NetworkOptions network, List<string> errors)
    {
        if (ssh.AllowLockout || !NetworkList.TryParse(network.AlwaysAllowed, out var allowed, out _))
        {
            return;
        }

        if (!allowed.Networks.Any(n => !IPAddress.IsLoopback(n.BaseAddress)))
        {
            var ports = string.Join(", ", ssh.ProtectedPorts);
            errors.Add($"{Root}:Ssh guards port {ports}, but {Root}:Network:AlwaysAllowed names no network outside loopback: "
                + $"one failed knock could lock every administrator out. Add the networks you administer from to {Root}:Network:AlwaysAllowed, "
                + $"or set {Root}:Ssh:AllowLockout to true to start anyway.");
        }
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
