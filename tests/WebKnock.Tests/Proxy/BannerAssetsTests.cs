using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using WebKnock.Configuration;
using WebKnock.Firewall.InMemory;
using WebKnock.Knocking;
using WebKnock.Proxy;
using WebKnock.Proxy.Banner;
using WebKnock.Proxy.Gate;
using WebKnock.Webmail;
using WebKnock.Windows;

namespace WebKnock.Tests.Proxy;

/// <summary>The banner's files carried inline (no request of their own), or linked by version where a CSP forbids that.</summary>
public sealed class BannerAssetsTests : IDisposable
{
    private static readonly IPAddress A = IPAddress.Parse("192.0.2.10");
    private static readonly string Files = Path.Combine(AppContext.BaseDirectory, "wwwroot");
    private readonly string _folder = Directory.CreateTempSubdirectory("wk-banner-assets-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_real_files_load_compacted_and_inlinable()
    {
        var assets = BannerAssets.Load(Files);

        Assert.True(assets.CanInline);
        Assert.Matches("^[0-9a-f]{12}$", assets.Version);
        Assert.Contains("#webknock-banner", assets.Style);
        Assert.DoesNotContain("/*", assets.Style);
        Assert.True(assets.Style!.Length < File.ReadAllText(Path.Combine(Files, "banner.css")).Length);
        Assert.Contains("getElementById('webknock-banner')", assets.Script);
        Assert.DoesNotContain(assets.Script!.Split('\n'), line => line.StartsWith("//", StringComparison.Ordinal) || line != line.Trim());
        Assert.True(assets.Script.Length < File.ReadAllText(Path.Combine(Files, "banner.js")).Length);
    }

    [Fact]
    public void Script_compaction_keeps_each_statement_on_its_line()
    {
        Assert.Equal("var a = 1\nvar b = a // why\n;(function () {})()",
            BannerAssets.CompactScript("  // comment\n  var a = 1\n\n    var b = a // why\n  ;(function () {})()\n"));
        Assert.Equal("a { b: c; } d { e: f; }", BannerAssets.CompactStyle("/* one\n two */\na {\n  b: c;\n}\n\nd { e: f; }\n"));
    }

    [Theory]
    [InlineData("var s = '</script>';")]
    [InlineData("var s = '<!--';")]
    [InlineData("var s = 'caf\u00e9';")]
    public void A_script_that_could_break_out_of_its_element_is_linked_instead(string script)
    {
        File.WriteAllText(Path.Combine(_folder, "banner.css"), "a { b: c; }");
        File.WriteAllText(Path.Combine(_folder, "banner.js"), script);

        var assets = BannerAssets.Load(_folder);

        Assert.Null(assets.Script);
        Assert.False(assets.CanInline);
        Assert.NotNull(assets.Style);
        Assert.NotNull(assets.Version);
    }

    [Fact]
    public void Without_files_nothing_is_inline_and_links_have_no_version()
    {
        var assets = BannerAssets.Load(_folder);

        Assert.Same(BannerAssets.None, assets);
        Assert.Null(assets.Version);
    }

    [Fact]
    public async Task A_page_without_a_policy_gets_the_banner_inline()
    {
        var page = await ProxyAsync(_ => { });

        Assert.Contains("<style>#webknock-banner", page);
        Assert.Contains("<script>(function () {", page);
        Assert.DoesNotContain("banner.js", page);
        Assert.DoesNotContain("banner.css", page);
    }

    [Theory]
    [InlineData("Content-Security-Policy")]
    [InlineData("Content-Security-Policy-Report-Only")]
    public async Task A_page_with_a_policy_gets_the_banner_with_its_files_linked_by_version(string header)
    {
        var version = BannerAssets.Load(Files).Version;

        var page = await ProxyAsync(r => r.Headers[header] = "script-src 'self'");

        Assert.Contains($"<script src=\"/.webknock/banner.js?v={version}\" defer></script>", page);
        Assert.Contains($"<link rel=\"stylesheet\" href=\"/.webknock/banner.css?v={version}\" />", page);
        Assert.DoesNotContain("<style>", page);
    }

    // A SquirrelMail login page through the proxy middleware, the upstream's headers set by SET.
    private static async Task<string> ProxyAsync(Action<HttpResponse> set)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero));
        var options = Options.Create(new WebKnockOptions().ApplyDefaults());
        var windows = new AccessWindowManager(new InMemoryFirewall(time), time, options, NullLogger<AccessWindowManager>.Instance);
        var sessions = new WebmailSessions(new SessionTracker(options, time), windows, options, NullLogger<WebmailSessions>.Instance);
        var banner = new BannerRenderer(new ServiceCollection().BuildServiceProvider(), NullLoggerFactory.Instance, options, BannerAssets.Load(Files));
        var middleware = new WebmailProxyMiddleware(new SquirrelMailProfile(""), sessions, windows, banner, time);
        await windows.OpenOrExtendAsync(ServiceNames.Webmail, A, WindowReason.Knock, default);

        var body = new MemoryStream();
        var context = new DefaultHttpContext();
        context.Features.Set(new ClientAddressFeature(A));
        context.Request.Method = "GET";
        context.Request.Path = "/squirrelmail/src/login.php";
        context.Request.Headers.Accept = "text/html";
        context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(body));

        await middleware.InvokeAsync(context, async c =>
        {
            c.Response.StatusCode = 200;
            c.Response.ContentType = "text/html";
            set(c.Response);
            await c.Response.Body.WriteAsync("<html><body><p>Login</p></body></html>"u8.ToArray());
        });

        return Encoding.ASCII.GetString(body.ToArray());
    }
}
