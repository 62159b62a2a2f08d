using Microsoft.Extensions.Options;
using WebKnock.Tests.Infrastructure;

namespace WebKnock.Tests.Configuration;

/// <summary>The gateway itself refuses to start on bad configuration, and says which key is wrong.</summary>
public sealed class StartupValidationTests
{
    [Theory]
    [InlineData("WebKnock:Webmail:Knock:Ports:1", "70000")]
    [InlineData("WebKnock:Webmail:ProtectedPorts:0", "9000")]
    [InlineData("WebKnock:Webmail:Window", "00:00:05")]
    [InlineData("WebKnock:Upstream:Url", "nowhere")]
    [InlineData("WebKnock:Upstream:Profile", "Horde")]
    [InlineData("WebKnock:Network:TrustedProxies:0", "not-an-address")]
    [InlineData("WebKnock:Firewall:Backend", "iptables")]
    [InlineData("WebKnock:Sessions:IdleTimeout", "00:00:10")]
    [InlineData("WebKnock:Webmail:Knock:Ports:0", "seven")] // the binder alone would drop it and knock with two ports
    [InlineData("WebKnock:Webmail:ProtectedPorts:0", "https")]
    [InlineData("WebKnock:Operations:Networks:0", "monitoring.example")]
    [InlineData("WebKnock:Operations:MetricsPath", "metrics")]
    [InlineData("WebKnock:Operations:HealthPath", "/health?x")]
    [InlineData("WebKnock:Operations:CheckTimeout", "00:05:00")]
    [InlineData("WebKnock:Network:NetworkWindowMinPrefixV4", "0")]
    [InlineData("WebKnock:Network:NetworkWindowMinPrefixV6", "129")]
    [InlineData("WebKnock:Firewall:Nftables:MaxNetworkWindows", "0")]
    [InlineData("WebKnock:Network:WindowWait", "00:01:00")]
    [InlineData("Kestrel:Endpoints:Https:Url", "https://0.0.0.0:8443")] // not a protected port: reachable without a knock
    [InlineData("WebKnock:Sessions:MaxSessions", "10")] // fewer than MaxSessionsPerAddress
    [InlineData("WebKnock:LogFileSizeLimitBytes", "1000")]
    [InlineData("WebKnock:LogFileCountLimit", "0")]
    public async Task Refuses_to_start_naming_the_key(string key, string value)
    {
        var ex = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var gw = await GatewayHarness.StartAsync(new Dictionary<string, string?> { [key] = value });
        });

        var validation = FindValidation(ex);
        Assert.NotNull(validation);
        Assert.Contains(key, validation.Message);
    }

    private static OptionsValidationException? FindValidation(Exception? ex) => ex switch
    {
        null => null,
        OptionsValidationException v => v,
        AggregateException a => a.InnerExceptions.Select(FindValidation).FirstOrDefault(v => v is not null),
        _ => FindValidation(ex.InnerException),
    };
}
