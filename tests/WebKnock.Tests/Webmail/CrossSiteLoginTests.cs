using System.Net;
using Microsoft.Extensions.DependencyInjection;
using WebKnock.Firewall.InMemory;
using WebKnock.Tests.Infrastructure;

namespace WebKnock.Tests.Webmail;

/// <summary>
/// Only a credential the webmail checked and refused counts towards the failed-login block, and never one posted from
/// another site's page: ten hidden cross-site login posts must not get a visitor's address blocked.
/// </summary>
public sealed class CrossSiteLoginTests : IAsyncLifetime
{
    private const string User = "198.51.100.50";
    private GatewayHarness _gw = null!;

    public async Task InitializeAsync()
    {
        _gw = await GatewayHarness.StartAsync(new Dictionary<string, string?> { ["WebKnock:Sessions:FailedLogins:MaxFailures"] = "3" });
        await _gw.KnockAsync(User);
    }

    public async Task DisposeAsync() => await _gw.DisposeAsync();

    private bool Blocked => _gw.Services.GetRequiredService<InMemoryFirewall>().IsBlocked(IPAddress.Parse(User));

    [Theory]
    [InlineData("https://evil.example", "cross-site")]
    [InlineData("https://evil.example", "")] // a browser without Fetch Metadata: the Origin alone
    [InlineData("null", "")] // a sandboxed frame's post
    [InlineData("", "cross-site")]
    public async Task Wrong_password_posts_from_another_site_change_nothing(string origin, string fetchSite)
    {
        var client = _gw.Client(User);
        for (var i = 0; i < 10; i++)
        {
            using var answer = await client.SendAsync(LoginPost("alice", $"guess-{i}", origin, fetchSite));
            Assert.Contains("logout_error", await answer.TextAsync()); // the webmail did refuse them
        }

        Assert.True(_gw.IsOpen(User));
        Assert.False(Blocked);
    }

    [Fact]
    public async Task The_same_posts_from_the_gateway_s_own_page_are_counted()
    {
        var client = _gw.Client(User);
        for (var i = 0; i < 3; i++)
        {
            (await client.SendAsync(LoginPost("alice", $"guess-{i}", "https://webmail.example", "same-origin"))).Dispose();
        }

        Assert.False(_gw.IsOpen(User));
        Assert.True(Blocked);
    }

    [Theory]
    [InlineData("/squirrelmail/redirect.php")] // not the login endpoint (src/redirect.php): the fixture's 404
    [InlineData("/squirrelmail/src/plugins/x/redirect.php")]
    public async Task Posts_elsewhere_that_end_in_redirect_php_are_not_logins(string path)
    {
        var client = _gw.Client(User);
        for (var i = 0; i < 5; i++)
        {
            (await client.SendAsync(LoginPost("alice", $"guess-{i}", "", "", path))).Dispose();
        }

        Assert.True(_gw.IsOpen(User));
        Assert.False(Blocked);
    }

    private static HttpRequestMessage LoginPost(string user, string password, string origin, string fetchSite, string path = WebmailClient.Base + "redirect.php")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["login_username"] = user,
                ["secretkey"] = password,
                ["js_autodetect_results"] = "1",
                ["just_logged_in"] = "1",
            }),
        };
        request.Headers.Accept.ParseAdd("text/html");
        if (origin.Length > 0)
        {
            request.Headers.TryAddWithoutValidation("Origin", origin);
        }

        if (fetchSite.Length > 0)
        {
            request.Headers.TryAddWithoutValidation("Sec-Fetch-Site", fetchSite);
        }

        return request;
    }
}
