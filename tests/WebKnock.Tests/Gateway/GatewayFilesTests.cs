using System.Net;
using WebKnock.Tests.Infrastructure;

namespace WebKnock.Tests.Gateway;

/// <summary>The gateway's own files under its prefix: the banner's script and style, the knock page's check image.</summary>
public sealed class GatewayFilesTests : IAsyncLifetime
{
    private const string A = "192.0.2.10";
    private GatewayHarness _gw = null!;

    public async Task InitializeAsync() => _gw = await GatewayHarness.StartAsync();

    public async Task DisposeAsync() => await _gw.DisposeAsync();

    [Theory]
    [InlineData("/.webknock/banner.js", "text/javascript")]
    [InlineData("/.webknock/banner.css", "text/css")]
    [InlineData("/.webknock/knock-ok.gif", "image/gif")]
    public async Task Files_are_served_to_an_open_address(string path, string type)
    {
        await _gw.KnockAsync(A);

        using var response = await _gw.Client(A).GetAsync(path + "?k=1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
        Assert.NotEmpty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task The_check_image_is_a_real_gif()
    {
        await _gw.KnockAsync(A);

        var gif = await _gw.Client(A).GetByteArrayAsync("/.webknock/knock-ok.gif");
        Assert.Equal("GIF89a"u8.ToArray(), gif[..6]);
    }

    [Fact]
    public async Task Files_are_behind_the_gate()
    {
        Assert.True(await _gw.Client(A).IsRefusedAsync("/.webknock/knock-ok.gif"));
    }

    [Fact]
    public async Task Anything_else_under_the_prefix_is_not_found_and_never_proxied()
    {
        await _gw.KnockAsync(A);

        using var response = await _gw.Client(A).GetAsync("/.webknock/nothing-here");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
