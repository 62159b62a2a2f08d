using System.Text.Json;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WebKnock.Hosting;
using WebKnock.Tests.Infrastructure;

namespace WebKnock.Tests.Configuration;

/// <summary>
/// Kestrel reads only endpoints from its configuration section; the gateway binds <c>Kestrel:Limits</c> itself, so
/// the limits in appsettings.json are the ones in force (the slow-client defence depends on the header timeout).
/// </summary>
public sealed class KestrelLimitsTests
{
    [Fact]
    public async Task The_gateway_runs_with_the_limits_of_the_shipped_appsettings()
    {
        using var shipped = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "appsettings", "appsettings.json")));
        var limits = shipped.RootElement.GetProperty("Kestrel").GetProperty("Limits");

        await using var gw = await GatewayHarness.StartAsync();
        var actual = gw.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits;

        Assert.Equal(TimeSpan.Parse(limits.GetProperty("RequestHeadersTimeout").GetString()!), actual.RequestHeadersTimeout);
        Assert.Equal(TimeSpan.Parse(limits.GetProperty("KeepAliveTimeout").GetString()!), actual.KeepAliveTimeout);
        Assert.Equal(limits.GetProperty("MaxRequestBodySize").GetInt64(), actual.MaxRequestBodySize);
        Assert.Equal(limits.GetProperty("MaxConcurrentConnections").GetInt64(), actual.MaxConcurrentConnections);
        Assert.Equal(limits.GetProperty("MaxConcurrentUpgradedConnections").GetInt64(), actual.MaxConcurrentUpgradedConnections);
        var body = limits.GetProperty("MinRequestBodyDataRate");
        Assert.Equal(body.GetProperty("BytesPerSecond").GetDouble(), actual.MinRequestBodyDataRate!.BytesPerSecond);
        Assert.Equal(TimeSpan.Parse(body.GetProperty("GracePeriod").GetString()!), actual.MinRequestBodyDataRate.GracePeriod);
        // Kestrel's own defaults, which applied before the section was bound: the file's values differ from them.
        Assert.NotEqual(new KestrelServerLimits().RequestHeadersTimeout, actual.RequestHeadersTimeout);
        Assert.NotEqual(new KestrelServerLimits().MaxConcurrentConnections, actual.MaxConcurrentConnections);
    }

    [Fact]
    public void Settings_override_the_file_and_data_rates_are_built()
    {
        var limits = Bind(new()
        {
            ["Kestrel:Limits:RequestHeadersTimeout"] = "00:00:07",
            ["Kestrel:Limits:MaxConcurrentConnections"] = "123",
            ["Kestrel:Limits:MinResponseDataRate:BytesPerSecond"] = "1000",
            ["Kestrel:Limits:MinResponseDataRate:GracePeriod"] = "00:00:09",
            ["Kestrel:Limits:Http2:MaxStreamsPerConnection"] = "50",
            ["Kestrel:Limits:MinRequestBodyDataRate:BytesPerSecond"] = "100",
        });

        Assert.Equal(TimeSpan.FromSeconds(7), limits.RequestHeadersTimeout);
        Assert.Equal(123, limits.MaxConcurrentConnections);
        Assert.Equal(1000, limits.MinResponseDataRate!.BytesPerSecond);
        Assert.Equal(TimeSpan.FromSeconds(9), limits.MinResponseDataRate.GracePeriod);
        Assert.Equal(50, limits.Http2.MaxStreamsPerConnection);
        Assert.Equal(100, limits.MinRequestBodyDataRate!.BytesPerSecond);
        Assert.Equal(new KestrelServerLimits().MinRequestBodyDataRate!.GracePeriod, limits.MinRequestBodyDataRate.GracePeriod); // the key left out keeps its value
    }

    [Fact]
    public void An_empty_data_rate_turns_the_limit_off()
    {
        Assert.Null(Bind(new() { ["Kestrel:Limits:MinRequestBodyDataRate"] = "" }).MinRequestBodyDataRate);
    }

    [Theory]
    [InlineData("Kestrel:Limits:RequestHeadersTimeout", "soon")]
    [InlineData("Kestrel:Limits:KeepAliveTimeout", "-00:00:01")]
    [InlineData("Kestrel:Limits:RequestHeaderTimeout", "00:00:05")] // a typo must not be ignored
    [InlineData("Kestrel:Limits:MaxConcurrentConnections", "many")]
    [InlineData("Kestrel:Limits:MinRequestBodyDataRate:BytesPerSecond", "-5")]
    [InlineData("Kestrel:Limits:MinRequestBodyDataRate:GracePeriod", "00:00:00.5")] // within Kestrel's 1 s heartbeat
    [InlineData("Kestrel:Limits:MinResponseDataRate:BytesPerSec", "240")]
    public void A_bad_limit_stops_the_start_naming_the_key(string key, string value)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind(new() { [key] = value }));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_gateway_refuses_to_start_with_a_bad_limit()
    {
        await using var gw = await GatewayHarness.StartAsync(new Dictionary<string, string?> { ["Kestrel:Limits:RequestHeadersTimeout"] = "soon" });

        var error = Assert.Throws<OptionsValidationException>(() => gw.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value);
        Assert.Contains("Kestrel:Limits:RequestHeadersTimeout", error.Message, StringComparison.Ordinal);
    }

    private static KestrelServerLimits Bind(Dictionary<string, string?> settings)
    {
        var limits = new KestrelServerLimits();
        KestrelLimitsConfiguration.Bind(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), limits);
        return limits;
    }
}
