using System.Net;
using WebKnock.Tests.Infrastructure;

namespace WebKnock.Tests.Webmail;

public sealed class NatSignOutTests : IAsyncLifetime
{
    private const string Nat = "198.51.100.7";
    private GatewayHarness _gw = null!;

    public async Task InitializeAsync()
    {
        _gw = await GatewayHarness.StartAsync();
        await _gw.KnockAsync(Nat);
    }

    public async Task DisposeAsync() => await _gw.DisposeAsync();

    // Kernel twin: BrowserEndToEndTests.SquirrelMail_two_browser_contexts_behind_one_address_the_first_sign_out_keeps_the_second_working
    [Fact]
    public async Task The_window_closes_only_when_the_last_session_behind_the_address_signs_out()
    {
        var alice = _gw.Client(Nat);
        var bob = _gw.Client(Nat);
        (await alice.LoginAsync("alice", "alice-pw")).Dispose();
        (await bob.LoginAsync("bob", "bob-pw")).Dispose();
        Assert.Equal(2, _gw.Sessions.Tracker.LiveCount(IPAddress.Parse(Nat)));

        using (var signOut = await alice.SignOutAsync())
        {
            Assert.Contains("successfully signed out", await signOut.TextAsync());
        }

        Assert.True(_gw.IsOpen(Nat));
        using (var stillWorking = await bob.NavigateAsync(WebmailClient.Base + "right_main.php", "frame"))
        {
            Assert.Equal(HttpStatusCode.OK, stillWorking.StatusCode);
            Assert.DoesNotContain("logout_error", await stillWorking.TextAsync());
        }

        using (var lastSignOut = await bob.SignOutAsync())
        {
            // The sign-out page itself still reaches the user.
            Assert.Contains("successfully signed out", await lastSignOut.TextAsync());
        }

        // The close runs once the sign-out response has completed.
        Assert.True(await Eventually.TrueAsync(() => !_gw.IsOpen(Nat)));
        Assert.True(await _gw.Client(Nat).IsRefusedAsync());
    }

    [Fact]
    public async Task A_last_sign_out_closes_the_window_of_the_address_where_the_session_lives()
    {
        const string Elsewhere = "198.51.100.9";
        await _gw.KnockAsync(Elsewhere);
        (await _gw.Client(Nat).LoginAsync("alice", "alice-pw")).Dispose();
        var id = Assert.Single(_gw.Sessions.Tracker.ForAddress(IPAddress.Parse(Nat))).Id;

        // The session's cookie signs out from another address that has a window of its own.
        var request = new HttpRequestMessage(HttpMethod.Get, WebmailClient.Base + "signout.php");
        request.Headers.Add("Cookie", $"SQMSESSID={id}");
        using (var signOut = await _gw.Client(Elsewhere).SendAsync(request))
        {
            Assert.Contains("successfully signed out", await signOut.TextAsync());
        }

        Assert.True(await Eventually.TrueAsync(() => !_gw.IsOpen(Nat)), "the window where the session lived stayed open");
        Assert.True(_gw.IsOpen(Elsewhere), "the sign-out closed the window of the address it came from");
    }

    [Fact]
    public async Task A_failed_login_is_not_a_session()
    {
        var mallory = _gw.Client(Nat);
        using var failed = await mallory.LoginAsync("alice", "wrong");
        Assert.Contains("logout_error", await failed.TextAsync());
        Assert.Equal(0, _gw.Sessions.Tracker.LiveCount(IPAddress.Parse(Nat)));

        // So its sign-out closes nothing, and a knock with no login keeps the window to its deadline.
        (await mallory.SignOutAsync()).Dispose();
        Assert.True(_gw.IsOpen(Nat));
    }

    [Fact]
    public async Task The_user_name_of_each_session_is_kept()
    {
        (await _gw.Client(Nat).LoginAsync("alice", "alice-pw")).Dispose();
        (await _gw.Client(Nat).LoginAsync("bob", "bob-pw")).Dispose();

        var users = _gw.Sessions.Tracker.ForAddress(IPAddress.Parse(Nat)).Select(s => s.UserName).Order();
        Assert.Equal(["alice", "bob"], users);
    }

    // Kernel twin: GatewayWindowCloseTests.The_last_session_idling_out_closes_the_port_and_cuts_a_kept_connection
    [Fact]
    public async Task When_the_last_session_idles_out_the_window_closes()
    {
        var alice = _gw.Client(Nat);
        (await alice.LoginAsync("alice", "alice-pw")).Dispose();

        _gw.Time.Advance(TimeSpan.FromMinutes(20));
        Assert.True(_gw.IsOpen(Nat));
        _gw.Time.Advance(TimeSpan.FromMinutes(4) + TimeSpan.FromSeconds(10)); // the sweep runs on the clock

        Assert.False(_gw.IsOpen(Nat));
        Assert.True(await alice.IsRefusedAsync());
    }

    [Fact]
    public async Task Requests_keep_a_session_alive()
    {
        var alice = _gw.Client(Nat);
        (await alice.LoginAsync("alice", "alice-pw")).Dispose();
        for (var i = 0; i < 3; i++)
        {
            _gw.Time.Advance(TimeSpan.FromMinutes(9));
            (await alice.NavigateAsync(WebmailClient.Base + "left_main.php", "frame")).Dispose();
        }

        Assert.True(_gw.IsOpen(Nat));
        Assert.Equal(1, _gw.Sessions.Tracker.LiveCount(IPAddress.Parse(Nat)));
    }
}

public sealed class KeepUntilDeadlineTests : IAsyncLifetime
{
    private const string Nat = "198.51.100.7";
    private GatewayHarness _gw = null!;

    public async Task InitializeAsync()
    {
        _gw = await GatewayHarness.StartAsync(new Dictionary<string, string?> { ["WebKnock:Sessions:OnLastSessionIdle"] = "KeepUntilDeadline" });
        await _gw.KnockAsync(Nat);
    }

    public async Task DisposeAsync() => await _gw.DisposeAsync();

    // Kernel twin: GatewayWindowCloseTests.The_last_sign_out_and_the_deadline_close_the_port_and_cut_a_kept_connection
    [Fact]
    public async Task When_configured_the_window_outlives_its_idle_sessions_until_the_deadline()
    {
        (await _gw.Client(Nat).LoginAsync("alice", "alice-pw")).Dispose();
        _gw.Time.Advance(TimeSpan.FromMinutes(25));

        Assert.Equal(0, _gw.Sessions.Tracker.LiveCount(IPAddress.Parse(Nat)));
        Assert.True(_gw.IsOpen(Nat));
        _gw.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.False(_gw.IsOpen(Nat));
    }

    [Fact]
    public async Task Under_keep_until_deadline_an_expired_last_session_leaves_the_window_open()
    {
        var alice = _gw.Client(Nat);
        (await alice.LoginAsync("alice", "alice-pw")).Dispose();
        _gw.Upstream.Sessions.Destroy(Assert.Single(_gw.Sessions.Tracker.ForAddress(IPAddress.Parse(Nat))).Id);

        using (var page = await alice.NavigateAsync(WebmailClient.Base + "right_main.php", "frame"))
        {
            Assert.Contains("You must be logged in", await page.TextAsync());
        }

        Assert.Empty(_gw.Sessions.Tracker.ForAddress(IPAddress.Parse(Nat)));
        await Task.Delay(200);
        Assert.True(_gw.IsOpen(Nat));
    }
}

public sealed class SessionAdoptionTests : IAsyncLifetime
{
    private const string A = "192.0.2.10";
    private GatewayHarness _gw = null!;

    public async Task InitializeAsync()
    {
        _gw = await GatewayHarness.StartAsync();
        await _gw.KnockAsync(A);
    }

    public async Task DisposeAsync() => await _gw.DisposeAsync();

    // Kernel twin: GatewayRestoreTests.After_kill_9_a_new_gateway_restores_the_windows_with_their_remaining_time
    [Fact]
    public async Task A_session_the_upstream_knows_but_the_gateway_does_not_is_adopted_after_a_restart()
    {
        // Log in at the upstream directly, as if the gateway had restarted since.
        using var direct = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = _gw.Upstream.BaseUri };
        using var login = await direct.PostAsync("/squirrelmail/src/redirect.php", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["login_username"] = "alice",
            ["secretkey"] = "alice-pw",
            ["just_logged_in"] = "1",
        }));
        var id = login.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Last(c => c.StartsWith("SQMSESSID=", StringComparison.Ordinal))["SQMSESSID=".Length..];

        var client = _gw.Client(A);
        var request = new HttpRequestMessage(HttpMethod.Get, WebmailClient.Base + "right_main.php");
        request.Headers.Add("Cookie", $"SQMSESSID={id}");
        (await client.SendAsync(request)).Dispose();

        var adopted = Assert.Single(_gw.Sessions.Tracker.ForAddress(System.Net.IPAddress.Parse(A)));
        Assert.Equal(id, adopted.Id);
        Assert.Null(adopted.UserName);
    }

    [Fact]
    public void A_session_is_adopted_only_on_an_answer_that_proves_it()
    {
        var address = System.Net.IPAddress.Parse(A);
        _gw.Sessions.SessionAlive(address, "unknown0123456789", proven: false); // a redirect, a file, a plugin's page
        Assert.Empty(_gw.Sessions.Tracker.ForAddress(address));

        _gw.Sessions.SessionAlive(address, "unknown0123456789", proven: true); // right_main.php, as only a session gets it
        Assert.Equal("unknown0123456789", Assert.Single(_gw.Sessions.Tracker.ForAddress(address)).Id);
    }

    [Fact]
    public async Task A_made_up_session_cookie_is_not_adopted()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, WebmailClient.Base + "right_main.php");
        request.Headers.Add("Cookie", "SQMSESSID=forged0123456789");
        using var response = await _gw.Client(A).SendAsync(request);

        Assert.Contains("logout_error", await response.TextAsync());
        Assert.Empty(_gw.Sessions.Tracker.ForAddress(System.Net.IPAddress.Parse(A)));
    }
}
