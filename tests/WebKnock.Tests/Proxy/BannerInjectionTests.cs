using System.Net;
using System.Security.Cryptography;
using SquirrelMailFixture;
using WebKnock.Tests.Infrastructure;

namespace WebKnock.Tests.Proxy;

public sealed class BannerInjectionTests : IAsyncLifetime
{
    private const string A = "192.0.2.10";
    private const string BannerTag = "id=\"webknock-banner\"";
    private GatewayHarness _gw = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _gw = await GatewayHarness.StartAsync();
        await _gw.KnockAsync(A);
        _client = _gw.Client(A);
    }

    public async Task DisposeAsync() => await _gw.DisposeAsync();

    private async Task<HttpClient> LoggedInAsync()
    {
        using var login = await _client.LoginAsync("alice", "alice-pw");
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        return _client;
    }

    [Fact]
    public async Task The_login_page_gets_one_banner_before_its_body_end()
    {
        using var response = await _client.NavigateAsync(WebmailClient.Base + "login.php");
        Assert.Null(response.Content.Headers.ContentLength);
        var page = await response.TextAsync();

        Assert.Equal(1, page.Count(BannerTag));
        Assert.True(page.IndexOf(BannerTag, StringComparison.Ordinal) < page.LastIndexOf("</body>", StringComparison.OrdinalIgnoreCase));
        Assert.Contains("Access closes in", page);
        // The page stays iso-8859-1: its own non-ASCII byte is untouched.
        Assert.Contains("Soci\u00e9t\u00e9", page);
    }

    [Fact]
    public async Task The_banner_brings_its_style_and_script_inline_and_asks_the_gateway_for_nothing()
    {
        using var response = await _client.NavigateAsync(WebmailClient.Base + "login.php");
        var page = await response.TextAsync();

        var banner = page[page.IndexOf(BannerTag, StringComparison.Ordinal)..];
        Assert.Contains("<style>#webknock-banner", banner);
        Assert.Contains("<script>(function () {", banner);
        Assert.DoesNotContain("/.webknock/banner.", banner);
        Assert.DoesNotContain("<link", banner);
    }

    [Theory]
    [InlineData("right_main.php")]
    [InlineData("read_body.php?passed_id=1")]
    public async Task Right_frame_pages_get_one_banner(string page)
    {
        var client = await LoggedInAsync();
        using var response = await client.NavigateAsync(WebmailClient.Base + page, dest: "frame");

        Assert.Equal(1, (await response.TextAsync()).Count(BannerTag));
    }

    [Theory]
    [InlineData("webmail.php", "document")]
    [InlineData("left_main.php", "frame")]
    [InlineData("right_main.php", "iframe")]
    public async Task Framesets_the_folder_frame_and_iframes_get_none(string page, string dest)
    {
        var client = await LoggedInAsync();
        using var response = await client.NavigateAsync(WebmailClient.Base + page, dest);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, (await response.TextAsync()).Count(BannerTag));
    }

    [Theory]
    [InlineData("download.php?passed_id=2&ent_id=2", true)]
    [InlineData("download.php?passed_id=2&ent_id=3&absolute_dl=true", false)]
    public async Task Attachments_arrive_byte_identical(string path, bool html)
    {
        var client = await LoggedInAsync();
        using var response = await client.NavigateAsync(WebmailClient.Base + path);
        var bytes = await response.Content.ReadAsByteArrayAsync();

        var expected = html ? Attachments.HtmlReportBytes : Attachments.BinaryBytes;
        Assert.Equal(SHA256.HashData(expected.Span), SHA256.HashData(bytes));
    }

    [Fact]
    public async Task Json_is_untouched_and_keeps_its_length()
    {
        using var response = await _client.NavigateAsync("/fixture/json");

        Assert.Equal(FixtureContent.Json.Length, response.Content.Headers.ContentLength);
        Assert.Equal(FixtureContent.Json.ToArray(), await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_gzip_compressed_page_gets_exactly_one_banner_and_decodes()
    {
        using var response = await _client.NavigateAsync("/fixture/gzip-html");
        var page = await response.TextAsync();

        Assert.Empty(response.Content.Headers.ContentEncoding);
        Assert.Equal(1, page.Count(BannerTag));
        Assert.StartsWith(System.Text.Encoding.Latin1.GetString(FixtureContent.GzipHtmlPlain.Span)[..20], page);
    }

    [Fact]
    public async Task A_body_end_split_across_two_writes_is_found()
    {
        using var response = await _client.NavigateAsync("/fixture/split-body");
        var page = await response.TextAsync();

        Assert.Equal(1, page.Count(BannerTag));
        Assert.EndsWith("</body></html>", page.TrimEnd());
    }

    [Fact]
    public async Task A_request_that_does_not_ask_for_html_gets_no_banner()
    {
        using var response = await _client.GetAsync("/fixture/html30k");

        Assert.Equal(FixtureContent.Html30K.ToArray(), await response.Content.ReadAsByteArrayAsync());
    }
}
