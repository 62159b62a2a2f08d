using System.Net;
using WebKnock.Admin;
using WebKnock.Events;
using WebKnock.Tests.Infrastructure;

namespace WebKnock.Tests.Admin;

public sealed class AdminSignInTests : IAsyncLifetime
{
    private const string A = "198.51.100.60";
    private const string B = "198.51.100.61";
    private GatewayHarness _gw = null!;

    public async Task InitializeAsync()
    {
        _gw = await AdminSite.StartAsync(
            ("WebKnock:Admin:MaxFailedSignIns", "3"),
            ("WebKnock:Admin:Lockout", "00:10:00"),
            ("WebKnock:Webmail:Window", "02:00:00")); // the clock moves past the admin session, not past the windows
        await _gw.KnockAsync(A);
        await _gw.KnockAsync(B);
    }

    public async Task DisposeAsync() => await _gw.DisposeAsync();

    private AdminClient Admin(string address = A) => new(_gw.Client(address));

    [Theory]
    [InlineData("")]
    [InlineData("/")]
    public async Task Anonymous_requests_go_to_the_sign_in_page(string page)
    {
        var admin = Admin();
        var (response, _) = await admin.GetAsync(page);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("https://webmail.example/admin/sign-in?ReturnUrl=", response.Headers.Location!.ToString());
        var signIn = await admin.FollowAsync(response);
        Assert.NotNull(signIn.QuerySelector("form input[name=password][type=password]"));
        Assert.Null(signIn.QuerySelector("#now-live"));
    }

    [Fact]
    public async Task The_right_password_signs_in_and_is_recorded()
    {
        var admin = Admin();
        using var response = await admin.SignInAsync();

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/admin/", response.Headers.Location!.PathAndQuery);
        var now = await admin.FollowAsync(response);
        Assert.NotNull(now.QuerySelector("#now-live"));
        Assert.Equal(AdminSite.Name, now.QuerySelector(".admin-user")!.TextContent);

        var login = Assert.Single(await _gw.StoredAsync(GatewayEventType.LoginSucceeded));
        Assert.Equal((AdminSignIn.Service, AdminSite.Name, A), (login.Service, login.User, login.Address!.ToString()));
    }

    [Fact]
    public async Task After_sign_in_the_requested_admin_page_opens()
    {
        var admin = Admin();
        using var response = await admin.SignInAsync(query: "?ReturnUrl=%2Fadmin%2Fcharts");

        Assert.Equal("/admin/charts", response.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task A_wrong_password_n_times_locks_out_even_the_right_one_until_the_lockout_is_over()
    {
        var admin = Admin();
        for (var i = 1; i <= 2; i++)
        {
            using var wrong = await admin.SignInAsync(password: "guess" + i);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            Assert.Contains("Wrong name or password", await wrong.Content.ReadAsStringAsync());
        }

        using (var third = await admin.SignInAsync(password: "guess3"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
            Assert.Contains("Try again in 10 min", await third.Content.ReadAsStringAsync());
        }

        _gw.Time.Advance(TimeSpan.FromMinutes(9));
        using (var right = await admin.SignInAsync())
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
            var text = await right.Content.ReadAsStringAsync();
            Assert.Contains("Locked", text);
            Assert.Contains("Try again in 1 min", text);
            Assert.DoesNotContain(right.Headers, h => h.Key == "Set-Cookie" && h.Value.Any(v => v.StartsWith(AdminAuthentication.CookieName + "=", StringComparison.Ordinal)));
        }

        // The lock is the address's, not the name's: the administrator signs in from another address meanwhile (an
        // attacker's failures from one address must not keep the real administrator out everywhere).
        using (var elsewhere = await Admin(B).SignInAsync())
        {
            Assert.Equal(HttpStatusCode.Redirect, elsewhere.StatusCode);
        }

        _gw.Time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        using (var later = await admin.SignInAsync())
        {
            Assert.Equal(HttpStatusCode.Redirect, later.StatusCode);
        }

        var failed = await _gw.StoredAsync(GatewayEventType.LoginFailed, atLeast: 4);
        Assert.Equal(["wrong password", "wrong password", "wrong password", "locked out"], failed.Select(e => e.Detail));
        Assert.All(failed, e => Assert.Equal(AdminSignIn.Service, e.Service));
    }

    [Fact]
    public async Task Failures_under_many_names_lock_the_address()
    {
        var admin = Admin();
        foreach (var name in new[] { "admin", "administrator", "webknock" })
        {
            (await admin.SignInAsync(name: name, password: "x")).Dispose();
        }

        using (var fromA = await admin.SignInAsync())
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, fromA.StatusCode);
        }

        using var fromB = await Admin(B).SignInAsync();
        Assert.Equal(HttpStatusCode.Redirect, fromB.StatusCode);
    }

    [Fact]
    public async Task Sign_out_ends_the_session()
    {
        var admin = Admin();
        (await admin.SignInAsync()).Dispose();
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync()).Response.StatusCode);

        using var signOut = await admin.SubmitAsync("/", AdminForms.SignOut, []);
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await admin.GetAsync()).Response.StatusCode);
        var signedOut = Assert.Single(await _gw.StoredAsync(GatewayEventType.SignedOut));
        Assert.Equal((AdminSignIn.Service, AdminSite.Name), (signedOut.Service, signedOut.User));
    }

    [Fact]
    public async Task The_session_slides_with_the_administrators_requests_but_not_with_the_page_refreshes()
    {
        var active = Admin();
        var idle = Admin(B);
        (await active.SignInAsync()).Dispose();
        (await idle.SignInAsync()).Dispose();

        _gw.Time.Advance(TimeSpan.FromMinutes(20));
        Assert.Equal(HttpStatusCode.OK, (await active.GetAsync()).Response.StatusCode);
        var refresh = new HttpRequestMessage(HttpMethod.Get, "/admin/");
        refresh.Headers.Add(AdminAuthentication.RefreshHeader, "1");
        Assert.Equal(HttpStatusCode.OK, (await idle.Http.SendAsync(refresh)).StatusCode);

        _gw.Time.Advance(TimeSpan.FromMinutes(11)); // 31 minutes after signing in; the default lifetime is 30
        Assert.Equal(HttpStatusCode.OK, (await active.GetAsync()).Response.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await idle.GetAsync()).Response.StatusCode);
    }

    [Theory]
    [InlineData(null, "/admin/")]
    [InlineData("/admin/events?type=LoginFailed", "/admin/events?type=LoginFailed")]
    [InlineData("/admin", "/admin")]
    [InlineData("https://evil.example/admin", "/admin/")]
    [InlineData("//evil.example/admin", "/admin/")]
    [InlineData("/\\evil.example", "/admin/")]
    [InlineData("/squirrelmail/src/login.php", "/admin/")]
    [InlineData("/administrator", "/admin/")]
    [InlineData("/admin/sign-in", "/admin/")]
    public void A_sign_in_only_returns_to_an_admin_page(string? returnUrl, string expected) =>
        Assert.Equal(expected, AdminAuthentication.LocalReturn(returnUrl, "/admin"));
}
