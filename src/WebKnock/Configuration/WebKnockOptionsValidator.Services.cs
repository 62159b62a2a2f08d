using System.Net;

namespace WebKnock.Configuration;

/// <summary>The checks of one guarded service: its ports, knock, credential knocks, window, and SSH's lockout guard.</summary>
internal sealed partial class WebKnockOptionsValidator
{
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
}
