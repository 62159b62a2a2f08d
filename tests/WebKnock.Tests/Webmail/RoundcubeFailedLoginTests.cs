using System.Net;
using Microsoft.Extensions.DependencyInjection;
using WebKnock.Firewall.InMemory;
using WebKnock.Tests.Infrastructure;

namespace WebKnock.Tests.Webmail;

/// <summary>
/// The real Roundcube answers a login post without its request token (what a forged cross-site form sends) with the
/// same 401 and login page as a wrong password; only the wrong password counts towards the block.
/// </summary>
public sealed class RoundcubeFailedLoginTests : IAsyncLifetime
{
    private const string User = "198.51.100.60";
    private GatewayHarness _gw = null!;

    public async Task InitializeAsync()
    {
        _gw = await RoundcubeUpstream.StartGatewayAsync(new Dictionary<string, string?> { ["WebKnock:Sessions:FailedLogins:MaxFailures"] = "3" });
        await _gw.KnockAsync(User);
    }

    public async Task DisposeAsync() => await _gw.DisposeAsync();

    private bool Blocked => _gw.Services.GetRequiredService<InMemoryFirewall>().IsBlocked(IPAddress.Parse(User));

    [RoundcubeFact]
    public async Task Ten_login_posts_without_a_valid_token_are_no_failed_logins()
    {
        var browser = new RoundcubeBrowser(_gw.Client(User));
        (await browser.Navigate("")).Dispose(); // the pre-login cookie, as a victim's browser holds it
        for (var i = 0; i < 10; i++)
        {
            var form = new Dictionary<string, string>
            {
                ["_task"] = "login",
                ["_action"] = "login",
                ["_timezone"] = "UTC",
                ["_url"] = "",
                ["_user"] = "alice",
                ["_pass"] = $"guess-{i}",
            };
            if (i % 2 == 1)
            {
                form["_token"] = "forgedforgedforgedforgedforged12";
            }

            using var request = new HttpRequestMessage(HttpMethod.Post, RoundcubeBrowser.Base + "?_task=login") { Content = new FormUrlEncodedContent(form) };
            request.Headers.Accept.ParseAdd("text/html");
            using var answer = await browser.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode); // Roundcube refused it, as it refuses a wrong password
        }

        Assert.True(_gw.IsOpen(User));
        Assert.False(Blocked);
    }

    [RoundcubeFact]
    public async Task Wrong_passwords_with_the_token_are_counted_and_block()
    {
        for (var i = 0; i < 3; i++)
        {
            using var answer = await new RoundcubeBrowser(_gw.Client(User)).LoginAsync("alice", $"guess-{i}");
            Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        }

        Assert.False(_gw.IsOpen(User));
        Assert.True(Blocked);
    }
}
