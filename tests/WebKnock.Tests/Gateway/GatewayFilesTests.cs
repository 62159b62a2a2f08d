using Microsoft.Extensions.DependencyInjection;
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

    [Theory]
    [InlineData("/.webknock/banner.js")]
    [InlineData("/.webknock/banner.css")]
    public async Task The_banner_files_under_their_version_are_immutable_and_otherwise_not(string path)
    {
        await _gw.KnockAsync(A);
        var version = _gw.Services.GetRequiredService<WebKnock.Proxy.Banner.BannerAssets>().Version;
        Assert.NotNull(version);

        using var versioned = await _gw.Client(A).GetAsync($"{path}?v={version}");
        using var other = await _gw.Client(A).GetAsync($"{path}?v=0{version}");
        using var plain = await _gw.Client(A).GetAsync(path);

        Assert.Equal("public, max-age=31536000, immutable", versioned.Headers.CacheControl?.ToString());
        Assert.Null(other.Headers.CacheControl);
        Assert.Null(plain.Headers.CacheControl);
        Assert.Equal(await plain.Content.ReadAsByteArrayAsync(), await versioned.Content.ReadAsByteArrayAsync());
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
