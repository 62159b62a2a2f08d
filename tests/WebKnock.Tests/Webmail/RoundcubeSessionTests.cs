using System.Net;
using WebKnock.Tests.Infrastructure;

namespace WebKnock.Tests.Webmail;

/// <summary>
/// Sessions of the real Roundcube (scripts/install-roundcube.sh) through the whole gateway: logins,
/// sign-outs with and without the token, sessions that end upstream, and NAT-safe closing.
/// </summary>
public sealed class RoundcubeSessionTests : IAsyncLifetime
{
    private const string Nat = "198.51.100.7";
    private GatewayHarness _gw = null!;

    public async Task InitializeAsync()
    {
        _gw = await RoundcubeUpstream.StartGatewayAsync();
        await _gw.KnockAsync(Nat);
    }

    public async Task DisposeAsync() => await _gw.DisposeAsync();

    private int Live => _gw.Sessions.Tracker.LiveCount(IPAddress.Parse(Nat));

    private RoundcubeBrowser Browser() => new(_gw.Client(Nat));

    [RoundcubeFact]
    public async Task A_login_through_the_gateway_tracks_the_regenerated_session_of_the_user()
    {
        var alice = Browser();
        using var login = await alice.LoginAsync("alice", "alice-pw");

        Assert.Equal(HttpStatusCode.Found, login.StatusCode);
        Assert.Contains("_task=mail", login.Headers.Location!.OriginalString);
        var session = Assert.Single(_gw.Sessions.Tracker.ForAddress(IPAddress.Parse(Nat)));
        Assert.Equal("alice", session.UserName);
        Assert.Equal(alice.SessionId, session.Id);
        Assert.NotEqual(alice.PreLoginSessionId, session.Id);

        using var mail = await alice.MailAsync();
        Assert.Equal(HttpStatusCode.OK, mail.StatusCode);
        Assert.Contains("\"task\":\"mail\"", await mail.TextAsync());
    }

    [RoundcubeFact]
    public async Task A_failed_login_is_not_a_session()
    {
        var mallory = Browser();
        using (var failed = await mallory.LoginAsync("alice", "wrong"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
            Assert.Contains("\"task\":\"login\"", await failed.TextAsync());
        }

        Assert.Equal(0, Live);

        // Its pre-login cookie, sent again with the login page, is no session either.
        using (var loginPage = await mallory.Navigate(""))
        {
            await loginPage.TextAsync();
        }

        Assert.Equal(0, Live);
        Assert.True(_gw.IsOpen(Nat));
    }

    [RoundcubeFact]
    public async Task A_sign_out_without_the_token_ends_nothing()
    {
        var alice = Browser();
        (await alice.LoginAsync("alice", "alice-pw")).Dispose();

        using (var forged = await alice.SignOutAsync(withToken: false))
        {
            Assert.Equal(HttpStatusCode.OK, forged.StatusCode);
            Assert.Contains("REQUEST CHECK FAILED", await forged.TextAsync());
        }

        Assert.Equal(1, Live);
        Assert.True(_gw.IsOpen(Nat));
        using var keepAlive = await alice.KeepAliveAsync();
        Assert.Equal("{\"action\":\"keep-alive\",\"exec\":\"\"}", await keepAlive.TextAsync());
    }

    // Kernel twin: BrowserEndToEndTests.Roundcube_two_browser_contexts_behind_one_address_the_first_sign_out_keeps_the_second_working
    [RoundcubeFact]
    public async Task The_window_closes_only_when_the_last_session_behind_the_address_signs_out()
    {
        var alice = Browser();
        var bob = Browser();
        (await alice.LoginAsync("alice", "alice-pw")).Dispose();
        (await bob.LoginAsync("bob", "bob-pw")).Dispose();
        Assert.Equal(2, Live);

        using (var signOut = await alice.SignOutAsync())
        {
            Assert.Equal(HttpStatusCode.OK, signOut.StatusCode);
            Assert.Contains("\"task\":\"login\"", await signOut.TextAsync());
        }

        Assert.Equal(1, Live);
        Assert.True(_gw.IsOpen(Nat));
        using (var keepAlive = await bob.KeepAliveAsync())
        {
            Assert.Equal("{\"action\":\"keep-alive\",\"exec\":\"\"}", await keepAlive.TextAsync());
        }

        using (var mail = await bob.MailAsync())
        {
            Assert.Contains("\"task\":\"mail\"", await mail.TextAsync());
        }

        using (var lastSignOut = await bob.SignOutAsync())
        {
            // The sign-out page itself still reaches the user.
            Assert.Contains("\"task\":\"login\"", await lastSignOut.TextAsync());
        }

        Assert.True(await Eventually.TrueAsync(() => !_gw.IsOpen(Nat)));
        Assert.True(await Browser().Http.IsRefusedAsync(RoundcubeBrowser.Base));
    }

    [RoundcubeFact]
    public async Task A_session_ended_upstream_leaves_the_count_at_its_next_ajax_request()
    {
        var alice = Browser();
        var bob = Browser();
        (await alice.LoginAsync("alice", "alice-pw")).Dispose();
        (await bob.LoginAsync("bob", "bob-pw")).Dispose();
        await alice.EndSessionUpstreamAsync();

        using (var keepAlive = await alice.KeepAliveAsync())
        {
            Assert.Contains("this.session_error(", await keepAlive.TextAsync());
        }

        var left = Assert.Single(_gw.Sessions.Tracker.ForAddress(IPAddress.Parse(Nat)));
        Assert.Equal("bob", left.UserName);
        Assert.True(_gw.IsOpen(Nat));
    }

    [RoundcubeFact]
    public async Task A_session_ended_upstream_leaves_the_count_at_its_next_framed_page()
    {
        var alice = Browser();
        (await alice.LoginAsync("alice", "alice-pw")).Dispose();
        await alice.EndSessionUpstreamAsync();

        using (var preview = await alice.Navigate($"?_task=mail&_action=preview&_uid={RoundcubeUpstream.ReportUid}&_mbox=INBOX&_framed=1", "iframe"))
        {
            Assert.Contains("parent.rcmail.session_error(", await preview.TextAsync());
        }

        Assert.Equal(0, Live);
    }

    [RoundcubeFact]
    public async Task The_last_sign_out_page_shows_the_closed_banner_without_script_or_stylesheet()
    {
        var alice = Browser();
        (await alice.LoginAsync("alice", "alice-pw")).Dispose();

        using var signOut = await alice.SignOutAsync();
        var page = await signOut.TextAsync();

        Assert.Contains("\"task\":\"login\"", page);
        var start = page.IndexOf("id=\"webknock-banner\"", StringComparison.Ordinal);
        Assert.True(start >= 0, "no banner on the sign-out page");
        var banner = page[start..page.IndexOf("</div>", start, StringComparison.Ordinal)];
        Assert.Contains("webknock-closed", banner);
        Assert.Contains("Access closed", banner);
        Assert.DoesNotContain("Extend", banner);
        Assert.DoesNotContain("/.webknock/", banner);
        Assert.True(await Eventually.TrueAsync(() => !_gw.IsOpen(Nat)));
    }

    [RoundcubeFact]
    public async Task A_last_session_ended_upstream_closes_the_window_at_its_next_request_like_an_idle_timeout()
    {
        var alice = Browser();
        (await alice.LoginAsync("alice", "alice-pw")).Dispose();
        await alice.EndSessionUpstreamAsync();

        using (var keepAlive = await alice.KeepAliveAsync())
        {
            Assert.Contains("this.session_error(", await keepAlive.TextAsync());
        }

        Assert.Equal(0, Live);
        Assert.True(await Eventually.TrueAsync(() => !_gw.IsOpen(Nat)));
    }

    [RoundcubeFact]
    public async Task Keep_alive_requests_keep_the_session_alive()
    {
        var alice = Browser();
        (await alice.LoginAsync("alice", "alice-pw")).Dispose();
        for (var i = 0; i < 3; i++)
        {
            _gw.Time.Advance(TimeSpan.FromMinutes(9));
            using var keepAlive = await alice.KeepAliveAsync();
            Assert.Equal("{\"action\":\"keep-alive\",\"exec\":\"\"}", await keepAlive.TextAsync());
        }

        Assert.True(_gw.IsOpen(Nat));
        Assert.Equal(1, Live);
    }

    // Kernel twin: GatewayRestoreTests.After_kill_9_a_new_gateway_restores_the_windows_with_their_remaining_time
    [RoundcubeFact]
    public async Task Pages_of_a_live_session_keep_it_alive_and_a_gateway_restart_adopts_it()
    {
        var alice = Browser();
        (await alice.LoginAsync("alice", "alice-pw")).Dispose();
        _gw.Sessions.Tracker.RemoveAll(IPAddress.Parse(Nat)); // as if the gateway had restarted

        using (var mail = await alice.MailAsync())
        {
            await mail.TextAsync(); // the outcome is read once the page has been sent whole
        }

        var adopted = Assert.Single(_gw.Sessions.Tracker.ForAddress(IPAddress.Parse(Nat)));
        Assert.Equal(alice.SessionId, adopted.Id);
    }

    [RoundcubeFact]
    public async Task Made_up_session_cookies_are_not_adopted()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, RoundcubeBrowser.Base + "?_task=mail");
        request.Headers.Accept.ParseAdd("text/html");
        request.Headers.Add("Cookie", "roundcube_sessid=forged0123456789abcdefghij; roundcube_sessauth=forged-1795601400");
        using var response = await _gw.Client(Nat).SendAsync(request);

        Assert.Contains("\"task\":\"login\"", await response.TextAsync());
        Assert.Equal(0, Live);
    }
}
