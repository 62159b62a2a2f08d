using System.Net;
using WebKnock.Tests.Infrastructure;

namespace WebKnock.Tests.Proxy;

/// <summary>
/// What the upstream learns of the client is the gateway's word only, and a trusted proxy that names no client lets
/// nobody in (not even itself, in an always-allowed or operations network). A recording upstream shows what arrives.
/// </summary>
public sealed class ForwardingHeadersTests : IAsyncLifetime
{
    private const string Proxy = "127.0.0.1"; // also in the default operations networks
    private const string ProxyNetwork = "198.51.100.0/24"; // a second proxy, in an always-allowed network
    private const string OtherProxy = "198.51.100.1";
    private const string User = "192.0.2.44";
    private RecordingUpstream _upstream = null!;
    private GatewayHarness _gw = null!;

    public async Task InitializeAsync()
    {
        _upstream = await RecordingUpstream.StartAsync();
        _gw = await GatewayHarness.StartAsync(new Dictionary<string, string?>
        {
            ["WebKnock:Upstream:Url"] = _upstream.Url,
            ["WebKnock:Network:TrustedProxies:0"] = Proxy,
            ["WebKnock:Network:TrustedProxies:1"] = OtherProxy,
            ["WebKnock:Network:AlwaysAllowed:0"] = ProxyNetwork,
        });
        await _gw.KnockAsync(User);
    }

    public async Task DisposeAsync()
    {
        await _gw.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task Client_sent_forwarding_headers_never_reach_the_upstream_and_the_gateways_own_name_the_real_client()
    {
        var client = _gw.Client(User);
        client.DefaultRequestHeaders.TryAddWithoutValidation("Forwarded", "for=203.0.113.1;host=evil.example;proto=http");
        client.DefaultRequestHeaders.TryAddWithoutValidation("X-Real-IP", "203.0.113.1");
        client.DefaultRequestHeaders.TryAddWithoutValidation("X-Forwarded-For", "203.0.113.1");
        client.DefaultRequestHeaders.TryAddWithoutValidation("X-Forwarded-Host", "evil.example");
        client.DefaultRequestHeaders.TryAddWithoutValidation("X-Forwarded-Prefix", "/evil");
        client.DefaultRequestHeaders.TryAddWithoutValidation("X-Forwarded-Proto", "http");

        using var response = await client.GetAsync("/webmail/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var seen = Assert.Single(_upstream.Requests).Headers;
        Assert.False(seen.ContainsKey("Forwarded"), seen.GetValueOrDefault("Forwarded"));
        Assert.False(seen.ContainsKey("X-Forwarded-Prefix"), seen.GetValueOrDefault("X-Forwarded-Prefix"));
        Assert.Equal(User, seen["X-Forwarded-For"]);
        Assert.Equal(User, seen["X-Real-IP"]);
        Assert.Equal("webmail.example", seen["X-Forwarded-Host"]);
        Assert.Equal("https", seen["X-Forwarded-Proto"]);
    }

    [Fact]
    public async Task Through_a_trusted_proxy_the_upstream_learns_the_client_the_proxy_named()
    {
        var viaProxy = _gw.Client(OtherProxy);
        viaProxy.DefaultRequestHeaders.TryAddWithoutValidation("X-Forwarded-For", $"203.0.113.1, {User}");
        viaProxy.DefaultRequestHeaders.TryAddWithoutValidation("X-Real-IP", OtherProxy);

        using var response = await viaProxy.GetAsync("/webmail/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var seen = Assert.Single(_upstream.Requests).Headers;
        Assert.Equal(User, seen["X-Forwarded-For"]);
        Assert.Equal(User, seen["X-Real-IP"]);
    }

    [Theory]
    [InlineData(OtherProxy, null)] // no header: not the proxy's own address, which is always allowed
    [InlineData(OtherProxy, "")]
    [InlineData(OtherProxy, "garbage")]
    [InlineData(OtherProxy, "1")] // IPAddress.TryParse alone would take it as 0.0.0.1
    [InlineData(OtherProxy, User + ":443")]
    [InlineData(OtherProxy, User + ",")] // the hop the proxy vouches for is empty
    [InlineData(OtherProxy, "0.0.0.0")]
    [InlineData(OtherProxy, Proxy + ", " + OtherProxy)] // only trusted proxies: nobody named
    [InlineData(Proxy, null)] // the loopback proxy, in the operations networks
    public async Task A_trusted_proxy_that_names_no_client_lets_nobody_in(string proxy, string? forwardedFor)
    {
        var viaProxy = _gw.Client(proxy);
        if (forwardedFor is not null)
        {
            viaProxy.DefaultRequestHeaders.TryAddWithoutValidation("X-Forwarded-For", forwardedFor);
        }

        Assert.True(await viaProxy.IsRefusedAsync("/webmail/"));
        Assert.True(await viaProxy.IsRefusedAsync("/.webknock/status"));
        Assert.True(await viaProxy.IsRefusedAsync("/metrics"));
        Assert.Empty(_upstream.Requests);
    }
}
