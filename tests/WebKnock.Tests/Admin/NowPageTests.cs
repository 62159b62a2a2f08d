using System.Net;
using WebKnock.Admin;
using WebKnock.Tests.Infrastructure;

namespace WebKnock.Tests.Admin;

/// <summary>The Now page as the server renders it, over the whole gateway.</summary>
public sealed class NowPageTests : IAsyncLifetime
{
    private const string Admin = "198.51.100.110";
    private const string Office = "198.51.100.111";
    private GatewayHarness _gw = null!;
    private AdminClient _admin = null!;

    public async Task InitializeAsync()
    {
        _gw = await AdminSite.StartAsync();
        await _gw.KnockAsync(Admin);
        await _gw.KnockAsync(Office);
        _admin = new AdminClient(_gw.Client(Admin));
        (await _admin.SignInAsync()).Dispose();
    }

    public async Task DisposeAsync() => await _gw.DisposeAsync();

    [Fact]
    public async Task Shows_every_open_window_with_its_live_sessions_user_names_and_time_left()
    {
        (await _gw.Client(Office).LoginAsync("alice", "alice-pw")).Dispose();
        (await _gw.Client(Office).LoginAsync("bob", "bob-pw")).Dispose();
        _gw.Time.Advance(TimeSpan.FromSeconds(90));

        var (response, page) = await _admin.GetAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var office = page.QuerySelector($"tr[data-window='webmail {Office}']")!;
        Assert.Equal(["alice", "bob"], office.QuerySelectorAll(".user").Select(u => u.TextContent));
        Assert.Equal("documentation", office.QuerySelector(".country")!.TextContent); // 198.51.100.0/24 is TEST-NET-2
        Assert.Equal("knock", office.QuerySelector(".opened-by")!.TextContent);
        var deadline = _gw.Windows.Get("webmail", IPAddress.Parse(Office))!.ExpiresAt;
        Assert.Equal(deadline.ToUnixTimeMilliseconds().ToString(), office.QuerySelector(".countdown")!.GetAttribute("data-deadline"));
        Assert.Equal(AdminText.Remaining(deadline - _gw.Time.GetUtcNow()), office.QuerySelector(".countdown")!.TextContent);
        Assert.Matches(@"^2[89]:[0-5][0-9]$", office.QuerySelector(".countdown")!.TextContent); // 30 minutes from the knock, 90 s and the knocks later
        Assert.Equal(_gw.Time.GetUtcNow().ToUnixTimeMilliseconds().ToString(), page.QuerySelector("#now-live")!.GetAttribute("data-server-now"));
        Assert.NotNull(page.QuerySelector($"tr[data-window='webmail {Admin}']"));
    }

    [Fact]
    public async Task Every_form_has_its_name_and_an_anti_forgery_token()
    {
        var (_, page) = await _admin.GetAsync();

        var forms = page.QuerySelectorAll("form").ToList();
        Assert.Equal(
            [AdminForms.SignOut, AdminForms.Extend, AdminForms.Close, AdminForms.Unblock, AdminForms.Open, AdminForms.Block],
            forms.Select(f => f.QuerySelector("input[name=_handler]")?.GetAttribute("value")));
        Assert.All(forms, f => Assert.Equal("post", f.GetAttribute("method")));
        Assert.All(forms, f => Assert.False(string.IsNullOrEmpty(f.QuerySelector("input[name=__RequestVerificationToken]")?.GetAttribute("value"))));
    }

    [Fact]
    public async Task The_page_is_not_cached_framed_or_given_inline_script()
    {
        var (response, page) = await _admin.GetAsync();

        Assert.Contains("no-store", response.Headers.CacheControl!.ToString());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self'", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.All(page.QuerySelectorAll("script"), s => Assert.False(string.IsNullOrEmpty(s.GetAttribute("src"))));
        Assert.Equal(["_framework/blazor.web.js", "admin.js"], page.QuerySelectorAll("script").Select(s => s.GetAttribute("src")));
    }
}
