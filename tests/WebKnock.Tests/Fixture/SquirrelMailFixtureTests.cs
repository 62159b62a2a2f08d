using System.Net;
using System.Text;
using SquirrelMailFixture;

namespace WebKnock.Tests.Fixture;

/// <summary>The fixture's logins, sign-outs and sessions behave as SquirrelMail 1.4.23's (reference/webmail.md).</summary>
public sealed class SquirrelMailFixtureTests : FixtureTestBase
{
    private const string Epoch = "expires=Thu, 01 Jan 1970 00:00:00 GMT";

    [Fact]
    public void Binds_a_real_port_on_loopback()
    {
        Assert.Equal("127.0.0.1", Fixture.BaseUri.Host);
        Assert.NotEqual(0, Fixture.BaseUri.Port);
        Assert.Equal("/squirrelmail/", Fixture.SquirrelMailUri.AbsolutePath);
    }

    [Fact]
    public async Task Login_page_is_iso_8859_1_and_sets_the_session_cookie_twice()
    {
        using HttpResponseMessage response = await Http.GetAsync("/squirrelmail/src/login.php");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html; charset=iso-8859-1", response.Content.Headers.ContentType?.ToString());
        byte[] body = await response.Content.ReadAsByteArrayAsync();
        Assert.Contains((byte)0xE9, body); // "é" as one Latin-1 byte, not UTF-8
        Assert.DoesNotContain("\u00C3", Encoding.Latin1.GetString(body));
        IReadOnlyList<string> cookies = FixtureHttp.SetCookies(response);
        Assert.Equal(2, cookies.Count);
        string id = Http.SessionIds(response)[0];
        Assert.Equal($"SQMSESSID={id}; path=/squirrelmail/", cookies[0]);
        Assert.Equal($"SQMSESSID={id}; path=/squirrelmail/; HttpOnly; SameSite=Strict", cookies[1]);
        Assert.Contains("name=\"login_username\"", Encoding.Latin1.GetString(body));
    }

    [Fact]
    public async Task Login_success_regenerates_the_id_and_redirects_to_webmail()
    {
        using HttpResponseMessage loginPage = await Http.GetAsync("/squirrelmail/src/login.php");
        string preLogin = Http.SessionIds(loginPage)[0];

        using HttpResponseMessage response = await Http.PostLoginAsync("alice", "alice-pw", preLogin);

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal("webmail.php", response.Headers.Location?.OriginalString);
        IReadOnlyList<string> ids = Http.SessionIds(response);
        Assert.Equal(2, ids.Count);
        Assert.Equal(ids[0], ids[1]);
        Assert.NotEqual(preLogin, ids[0]);
        IReadOnlyList<string> cookies = FixtureHttp.SetCookies(response);
        Assert.EndsWith("; HttpOnly; SameSite=Strict", cookies[1]);
        Assert.Contains(cookies, c => c.StartsWith("key=", StringComparison.Ordinal) && !c.Contains("SQMTRASH"));
        Assert.Contains(cookies, c => c.StartsWith("squirrelmail_language=en_US;", StringComparison.Ordinal));
        Assert.Equal(1, Fixture.Sessions.LiveSessionCount);
        LoginRecord login = Assert.Single(Fixture.Sessions.Logins);
        Assert.True(login.Success);
        Assert.Equal(("alice", ids[0]), (login.User, login.SessionId));

        using HttpResponseMessage oldSession = await Http.GetAsync("/squirrelmail/src/right_main.php", preLogin);
        Assert.EndsWith(Marker, await oldSession.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("alice", "wrong")]
    [InlineData("mallory", "alice-pw")]
    [InlineData("", "")]
    public async Task Login_failure_is_a_200_logout_error_page_that_trashes_the_session_cookie(string user, string password)
    {
        using HttpResponseMessage response = await Http.PostLoginAsync(user, password);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.EndsWith(Marker, await response.Content.ReadAsStringAsync());
        string cookie = Assert.Single(FixtureHttp.SetCookies(response));
        Assert.StartsWith("SQMSESSID=SQMTRASH; " + Epoch, cookie);
        Assert.Equal(0, Fixture.Sessions.LiveSessionCount);
        Assert.False(Assert.Single(Fixture.Sessions.Logins).Success);
    }

    [Theory]
    [InlineData("webmail.php", null)]
    [InlineData("left_main.php", "SQMTRASH")]
    [InlineData("right_main.php", "unknown0000000000000000000")]
    [InlineData("read_body.php?passed_id=1", null)]
    [InlineData("download.php?passed_id=2&ent_id=2", null)]
    [InlineData("printer_friendly_main.php?passed_id=2", null)]
    [InlineData("signout.php", null)]
    public async Task Without_a_valid_session_pages_answer_the_logout_error_page(string page, string? sessionId)
    {
        using HttpResponseMessage response = await Http.GetAsync("/squirrelmail/src/" + page, sessionId);
        string html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("You must be logged in to access this page.", html);
        Assert.EndsWith(Marker, html);
    }

    [Fact]
    public async Task Sign_out_destroys_the_session_and_trashes_both_cookies()
    {
        string id = await Http.LogInAsync();

        using HttpResponseMessage response = await Http.GetAsync("/squirrelmail/src/signout.php", id);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("You have been successfully signed out.", await response.Content.ReadAsStringAsync());
        IReadOnlyList<string> cookies = FixtureHttp.SetCookies(response);
        Assert.Contains(cookies, c => c.StartsWith("SQMSESSID=SQMTRASH; " + Epoch, StringComparison.Ordinal));
        Assert.Contains(cookies, c => c.StartsWith("key=SQMTRASH; " + Epoch, StringComparison.Ordinal));
        Assert.Equal(0, Fixture.Sessions.LiveSessionCount);
        Assert.Equal(1, Fixture.Sessions.SignOutCount);

        using HttpResponseMessage after = await Http.GetAsync("/squirrelmail/src/right_main.php", id);
        Assert.EndsWith(Marker, await after.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Session_expires_after_the_idle_lifetime_on_the_fixture_clock()
    {
        string id = await Http.LogInAsync();
        Time.Advance(TimeSpan.FromSeconds(1400));
        using (HttpResponseMessage alive = await Http.GetAsync("/squirrelmail/src/left_main.php", id))
        {
            Assert.DoesNotContain(Marker, await alive.Content.ReadAsStringAsync()); // and this access renews it
        }

        Time.Advance(TimeSpan.FromSeconds(1400));
        Assert.Equal(1, Fixture.Sessions.LiveSessionCount);
        Time.Advance(TimeSpan.FromSeconds(40));
        Assert.Equal(0, Fixture.Sessions.LiveSessionCount);

        using HttpResponseMessage expired = await Http.GetAsync("/squirrelmail/src/right_main.php", id);
        string html = await expired.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, expired.StatusCode);
        Assert.Contains("You must be logged in to access this page.", html);
        Assert.EndsWith(Marker, html);
    }

    [Fact]
    public async Task Opening_the_login_page_destroys_the_existing_session()
    {
        string id = await Http.LogInAsync();

        using HttpResponseMessage loginPage = await Http.GetAsync("/squirrelmail/src/login.php", id);

        Assert.DoesNotContain(id, Http.SessionIds(loginPage));
        Assert.Equal(0, Fixture.Sessions.LiveSessionCount);
        using HttpResponseMessage after = await Http.GetAsync("/squirrelmail/src/webmail.php", id);
        Assert.EndsWith(Marker, await after.Content.ReadAsStringAsync());
    }
}
