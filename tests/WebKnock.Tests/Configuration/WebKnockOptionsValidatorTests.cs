using WebKnock.Configuration;

namespace WebKnock.Tests.Configuration;

public sealed class WebKnockOptionsValidatorTests
{
    private static WebKnockOptions Valid() => new WebKnockOptions().ApplyDefaults();

    [Fact]
    public void Defaults_are_valid()
    {
        var result = new WebKnockOptionsValidator().Validate(null, Valid());
        Assert.True(result.Succeeded, result.FailureMessage);
    }

    public static TheoryData<string, Action<WebKnockOptions>> BadConfigurations => new()
    {
        { "WebKnock:Webmail:Knock:Ports", o => o.Webmail.Knock.Ports = [] },
        { "WebKnock:Webmail:Knock:Ports:1", o => o.Webmail.Knock.Ports = [7000, 70000, 8000] },
        { "WebKnock:Webmail:Knock:Ports:2", o => o.Webmail.Knock.Ports = [7000, 9000, 6000 + 666] }, // 6666: browsers refuse it
        { "WebKnock:Webmail:Knock:Ports is in ascending", o => o.Webmail.Knock.Ports = [7000, 8000, 9000] },
        { "WebKnock:Webmail:Knock:Ports:1 repeats", o => o.Webmail.Knock.Ports = [7000, 7000, 8000] },
        { "WebKnock:Webmail:ProtectedPorts:0 (9000) is also a knock port", o => o.Webmail.ProtectedPorts = [9000] },
        { "WebKnock:Webmail:ProtectedPorts needs", o => o.Webmail.ProtectedPorts = [] },
        { "WebKnock:Webmail:Window", o => o.Webmail.Window = TimeSpan.FromSeconds(5) },
        { "WebKnock:Webmail:MaxWindow", o => o.Webmail.MaxWindow = TimeSpan.FromMinutes(10) },
        { "WebKnock:Webmail:Knock:StepTimeout", o => o.Webmail.Knock.StepTimeout = TimeSpan.Zero },
        { "WebKnock:Webmail:Knock:Protocol", o => o.Webmail.Knock.Protocol = "udp" },
        { "WebKnock:Upstream:Url", o => o.Upstream.Url = "not a url" },
        { "WebKnock:Upstream:Url", o => o.Upstream.Url = "ftp://127.0.0.1/" },
        { "WebKnock:Upstream:Profile", o => o.Upstream.Profile = "Horde" },
        { "WebKnock:Sessions:IdleTimeout", o => o.Sessions.IdleTimeout = TimeSpan.FromSeconds(10) },
        { "WebKnock:Network:TrustedProxies:1", o => o.Network.TrustedProxies = ["192.0.2.1", "proxy.example"] },
        { "WebKnock:Network:AlwaysAllowed:0", o => o.Network.AlwaysAllowed = ["192.0.2.0/33"] },
        { "WebKnock:Network:MaxConnectionsPerAddress", o => o.Network.MaxConnectionsPerAddress = -1 },
        { "WebKnock:Sessions:FailedLogins:MaxFailures", o => o.Sessions.FailedLogins.MaxFailures = -1 },
        { "WebKnock:Sessions:FailedLogins:FindTime", o => o.Sessions.FailedLogins.FindTime = TimeSpan.Zero },
        { "WebKnock:Firewall:ReconcileInterval", o => o.Firewall.ReconcileInterval = TimeSpan.Zero },
        { "WebKnock:Firewall:Backend", o => o.Firewall.Backend = "iptables" },
        { "WebKnock:Firewall:Table", o => o.Firewall.Table = "web knock;" },
        { "WebKnock:PathPrefix", o => o.PathPrefix = "webknock" },
        { "WebKnock:Ssh uses port 443", o => o.Ssh = new SshOptions { Knock = new KnockOptions { Ports = [7100, 7300, 7200] }, ProtectedPorts = [443] } },
    };

    [Theory]
    [MemberData(nameof(BadConfigurations))]
    public void Bad_configuration_is_refused_naming_the_key(string key, Action<WebKnockOptions> spoil)
    {
        var options = Valid();
        spoil(options);
        var result = new WebKnockOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains(key, result.FailureMessage);
    }
}
