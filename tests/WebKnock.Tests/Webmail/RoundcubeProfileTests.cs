using System.Text;
using Microsoft.AspNetCore.Http;
using WebKnock.Proxy.Body;
using WebKnock.Webmail;

namespace WebKnock.Tests.Webmail;

/// <summary>
/// The Roundcube profile against requests and responses recorded from Roundcube 1.6.5 (Debian 12)
/// behind Apache, through scripts/install-roundcube.sh.
/// </summary>
public sealed class RoundcubeProfileTests
{
    private const string Base = "/roundcube/";
    private const string PreLogin = "mn9b992j2f15kcsd8ai9ji4q9s";
    private const string Session = "uanub88n1hg7bet1b5kqp8ioc4";
    private const string Auth = "LIEvuPdpkJ1hszabOBuo4ytzGQ-1795601400";
    private const string LoginForm = "_token=AZcOYPNujX9wH3G2U9rRg4Rm7RuJjOqj&_task=login&_action=login&_timezone=UTC&_url=&_user=alice&_pass=alice-pw";

    // Recorded: the keep-alive of a session that is gone, and the frame Roundcube serves it in a frame.
    private const string DeadKeepAlive = "{\"action\":\"keep-alive\",\"exec\":\"this.display_message(\\\"Your session is invalid or expired.\\\",\\\"error\\\",-1000);\\nthis.session_error(\\\"/roundcube/?_task=login&_err=session\\\");\\n\"}";
    private const string LiveKeepAlive = "{\"action\":\"keep-alive\",\"exec\":\"\"}";

    private static readonly string[] LoggedInHeaders = ["X-DNS-Prefetch-Control: off", "Referrer-Policy: same-origin", "X-Frame-Options: sameorigin"];

    private readonly RoundcubeProfile _profile = new("");

    [Fact]
    public void Defaults_to_roundcube_sessid_and_is_registered_by_name()
    {
        Assert.Equal("roundcube_sessid", _profile.SessionCookie);
        Assert.Equal("rc_custom", new RoundcubeProfile("rc_custom").SessionCookie);
        Assert.Contains("Roundcube", WebmailProfiles.Names);
        Assert.IsType<RoundcubeProfile>(WebmailProfiles.Create("roundcube", ""));
        Assert.Equal("Roundcube", WebmailProfiles.Create("Roundcube", "").Name);
    }

    [Fact]
    public async Task A_login_post_is_classified_with_its_user_and_the_body_is_left_for_the_upstream()
    {
        var context = Request("POST", Base + "?_task=login", LoginForm, (_profile.SessionCookie, PreLogin));

        var request = await _profile.ClassifyAsync(context.Request);

        Assert.Equal(WebmailRequestKind.LoginAttempt, request.Kind);
        Assert.Equal("alice", request.UserName);
        Assert.Equal(PreLogin, request.SessionId);
        Assert.Equal(LoginForm, await new StreamReader(context.Request.Body).ReadToEndAsync());
    }

    [Theory]
    [InlineData("POST", "?_task=login", "_token=t&_action=login&_user=alice&_pass=p", WebmailRequestKind.LoginAttempt)] // _task from the query
    [InlineData("POST", "", "_token=t&_task=login&_action=login&_user=alice&_pass=p", WebmailRequestKind.LoginAttempt)] // _task from the form
    [InlineData("POST", "?_task=mail", "_token=t&_task=login&_action=login&_user=alice", WebmailRequestKind.LoginAttempt)] // the form wins, as in PHP
    [InlineData("POST", "?_task=login", "_token=t&_task=login&_user=alice", WebmailRequestKind.LoginPage)] // no _action=login: no login
    [InlineData("GET", "?_task=login&_action=login&_user=alice", null, WebmailRequestKind.LoginPage)] // Roundcube logs in on POST only
    [InlineData("GET", "?_task=login", null, WebmailRequestKind.LoginPage)]
    [InlineData("GET", "?_task=logout&_token=t", null, WebmailRequestKind.SignOut)]
    [InlineData("GET", "?_task=logout", null, WebmailRequestKind.SignOut)] // classified; only the response says whether it happened
    [InlineData("POST", "?_task=mail&_action=refresh&_remote=1", "_mbox=INBOX&_last=0", WebmailRequestKind.Other)]
    [InlineData("GET", "?_task=mail", null, WebmailRequestKind.Other)]
    [InlineData("GET", "", null, WebmailRequestKind.Other)]
    public async Task Requests_are_classified_by_task_and_action(string method, string query, string? form, WebmailRequestKind expected)
    {
        var request = await _profile.ClassifyAsync(Request(method, Base + query, form).Request);

        Assert.Equal(expected, request.Kind);
    }

    [Theory]
    [InlineData("/roundcube/?_task=mail", true)]
    [InlineData("/roundcube/index.php?_task=mail&_action=show&_uid=2", true)]
    [InlineData("/roundcube/?_task=mail&_action=keep-alive&_remote=1", true)]
    [InlineData("/roundcube/?_task=mail&_action=preview&_uid=1&_framed=1", true)]
    [InlineData("/roundcube/?_task=logout&_token=t", true)]
    [InlineData("/roundcube/?_task=mail&_action=get&_uid=2&_part=3", false)] // files pass untouched, never watched
    [InlineData("/roundcube/?_task=mail&_uid=2&_part=3&_download=1&_action=show", false)]
    [InlineData("/roundcube/?_task=mail&_action=viewsource&_uid=2", false)]
    [InlineData("/roundcube/?_task=addressbook&_action=export", false)]
    [InlineData("/roundcube/skins/elastic/deps/bootstrap.min.css", false)]
    [InlineData("/roundcube/program/js/app.min.js", false)]
    public async Task Only_pages_of_index_php_tell_about_the_session(string url, bool sessionPage)
    {
        var request = await _profile.ClassifyAsync(Request("GET", url, null, (_profile.SessionCookie, Session)).Request);

        Assert.Equal(sessionPage, request.MaySessionPage);
        Assert.Equal(Session, request.SessionId);
    }

    [Fact]
    public async Task Large_or_multipart_posts_are_not_read()
    {
        var big = "_task=login&_action=login&_user=alice&_x=" + new string('a', 70_000);
        var context = Request("POST", Base + "?_task=mail&_action=send", big);

        var request = await _profile.ClassifyAsync(context.Request);

        Assert.Equal(WebmailRequestKind.Other, request.Kind);
        Assert.False(context.Request.Body.CanSeek); // not buffered
    }

    [Fact]
    public void A_successful_login_tracks_the_new_session_id_not_the_pre_login_one()
    {
        // Recorded: the answer to the login POST. Roundcube clears the auth cookie, then sets the new id and auth.
        var context = Response(Request("POST", Base + "?_task=login", LoginForm, (_profile.SessionCookie, PreLogin)), 302,
            "Set-Cookie: roundcube_sessauth=-del-; expires=Wed, 25 Nov 2026 10:12:24 GMT; Max-Age=0; path=/; secure; HttpOnly",
            $"Set-Cookie: roundcube_sessid={Session}; path=/; secure; HttpOnly",
            $"Set-Cookie: roundcube_sessauth={Auth}; path=/; secure; HttpOnly",
            "Location: /roundcube/?_task=mail&_token=yzXKWgSocswPFPkT6KZaLA5eWBbuyFSz",
            "Content-Type: text/html; charset=UTF-8");

        var outcome = Interpret(context, new WebmailRequest(WebmailRequestKind.LoginAttempt, PreLogin, "alice", false));

        Assert.Equal(new WebmailOutcome(WebmailOutcomeKind.LoginSucceeded, Session, "alice"), outcome);
    }

    [Theory]
    [InlineData(401, 2, "", WebmailOutcomeKind.LoginFailed)] // recorded: wrong password (killed before and after the check)
    [InlineData(401, 1, "", WebmailOutcomeKind.None)] // recorded: no or a wrong _token, the credentials never checked
    [InlineData(401, 0, "", WebmailOutcomeKind.None)]
    [InlineData(200, 2, "", WebmailOutcomeKind.None)] // not Roundcube's failure answer
    [InlineData(302, 1, "/roundcube/?_task=mail", WebmailOutcomeKind.None)] // a redirect without a new auth cookie
    [InlineData(500, 2, "", WebmailOutcomeKind.None)]
    public void Only_a_checked_and_refused_credential_is_a_failed_login(int status, int cleared, string location, WebmailOutcomeKind expected)
    {
        var headers = new List<string> { "Content-Type: text/html; charset=UTF-8" };
        for (var i = 0; i < cleared; i++)
        {
            headers.Add($"Set-Cookie: roundcube_sessauth=-del-; expires=Thu, 03 Dec 2026 16:51:2{i} GMT; Max-Age=0; path=/; HttpOnly");
        }

        if (location.Length > 0)
        {
            headers.Add("Location: " + location);
        }

        var context = Response(Request("POST", Base + "?_task=login", LoginForm), status, [.. headers]);

        var outcome = Interpret(context, new WebmailRequest(WebmailRequestKind.LoginAttempt, PreLogin, "alice", false));

        Assert.Equal(expected, outcome.Kind);
        if (expected == WebmailOutcomeKind.LoginFailed)
        {
            Assert.Equal(new WebmailOutcome(WebmailOutcomeKind.LoginFailed, null, "alice"), outcome);
        }
    }

    [Fact]
    public void A_sign_out_is_read_from_the_cleared_auth_cookie()
    {
        var context = Response(LoggedIn("GET", "?_task=logout&_token=obMZpMwa3bcwdYmc9tNgO0XnrUMQxrkX"), 200,
            [.. LoggedInHeaders, "Set-Cookie: roundcube_sessauth=-del-; expires=Wed, 25 Nov 2026 10:12:52 GMT; Max-Age=0; path=/; secure; HttpOnly", "Content-Type: text/html; charset=UTF-8"]);

        var outcome = Interpret(context, new WebmailRequest(WebmailRequestKind.SignOut, Session, null, true));

        Assert.Equal(new WebmailOutcome(WebmailOutcomeKind.SignedOut, Session), outcome);
    }

    [Fact]
    public void A_sign_out_without_the_token_ends_nothing()
    {
        // Recorded: 200 "REQUEST CHECK FAILED", the session untouched and still logged in.
        var context = Response(LoggedIn("GET", "?_task=logout"), 200, [.. LoggedInHeaders, "Content-Type: text/html; charset=UTF-8"]);

        var outcome = Interpret(context, new WebmailRequest(WebmailRequestKind.SignOut, Session, null, true));

        Assert.Equal(new WebmailOutcome(WebmailOutcomeKind.SessionAlive, Session, Proven: true), outcome);
    }

    [Fact]
    public void A_keep_alive_answered_as_logged_in_keeps_the_session()
    {
        var context = Response(LoggedIn("GET", "?_task=mail&_action=keep-alive&_remote=1"), 200, [.. LoggedInHeaders, "Content-Type: application/json; charset=UTF-8"]);

        Assert.False(Seen(LiveKeepAlive));
        Assert.Equal(WebmailOutcomeKind.SessionAlive, Interpret(context, Other(), marker: false).Kind);
    }

    [Fact]
    public void A_keep_alive_answered_with_session_error_ends_the_session()
    {
        // Recorded: no privacy headers (the session had no user), the JSON command in the body.
        var context = Response(LoggedIn("GET", "?_task=mail&_action=keep-alive&_remote=1"), 200, "X-Frame-Options: sameorigin", "Content-Type: application/json; charset=UTF-8");

        Assert.True(Seen(DeadKeepAlive));
        Assert.Equal(new WebmailOutcome(WebmailOutcomeKind.SessionExpired, Session), Interpret(context, Other(), marker: true));
    }

    [Fact]
    public void In_json_the_marker_alone_ends_the_session_even_if_a_proxy_adds_the_privacy_headers_everywhere()
    {
        var context = Response(LoggedIn("POST", "?_task=mail&_action=refresh&_remote=1"), 200, [.. LoggedInHeaders, "Content-Type: application/json; charset=UTF-8"]);

        Assert.Equal(WebmailOutcomeKind.SessionExpired, Interpret(context, Other(), marker: true).Kind);
    }

    [Fact]
    public void A_message_list_that_mentions_session_error_is_not_taken_for_one()
    {
        // The subject this.session_error("x") inside the list's exec is escaped twice.
        Assert.False(Seen("{\"action\":\"list\",\"exec\":\"this.add_message_row(3,{\\\"subject\\\":\\\"this.session_error(\\\\\\\"x\\\\\\\")\\\"});\\n\"}"));
    }

    [Fact]
    public void In_an_html_page_the_marker_does_not_count_since_a_mail_may_carry_any_text()
    {
        // A preview whose message (its sender, its subject in set_env) contains the bytes of the marker.
        var context = Response(LoggedIn("GET", "?_task=mail&_action=preview&_uid=3&_framed=1"), 200, [.. LoggedInHeaders, "Content-Type: text/html; charset=UTF-8"]);
        Assert.True(Seen("<script>parent.rcmail.set_env({\"subject\":\"this.session_error(\\\"\"});</script>"));

        Assert.Equal(WebmailOutcomeKind.SessionAlive, Interpret(context, Other(), marker: true).Kind);
    }

    [Theory]
    [InlineData("?_task=mail")] // a page of a session that is gone: the login page, without privacy headers
    [InlineData("?_task=mail&_action=preview&_uid=1&_framed=1")] // the frame with parent.rcmail.session_error("...")
    [InlineData("?_task=login&_err=session")]
    public void A_page_answered_without_a_logged_in_user_ends_the_session(string query)
    {
        var context = Response(LoggedIn("GET", query), 200, "X-Frame-Options: sameorigin", "Content-Type: text/html; charset=UTF-8");

        Assert.Equal(WebmailOutcomeKind.SessionExpired, Interpret(context, Other(), marker: false).Kind);
    }

    [Fact]
    public void A_failed_auth_check_clears_the_auth_cookie_and_ends_the_session()
    {
        var context = Response(LoggedIn("GET", "?_task=mail"), 200,
            [.. LoggedInHeaders, "Set-Cookie: roundcube_sessauth=-del-; Max-Age=0; path=/", "Content-Type: text/html; charset=UTF-8"]);

        Assert.Equal(WebmailOutcomeKind.SessionExpired, Interpret(context, Other(), marker: false).Kind);
    }

    [Fact]
    public void A_reloaded_login_page_with_only_the_pre_login_cookie_is_never_a_live_session()
    {
        // Even where something adds the privacy headers to every answer, no roundcube_sessauth was sent.
        var context = Response(Request("GET", Base, null, (_profile.SessionCookie, PreLogin)), 200, [.. LoggedInHeaders, "Content-Type: text/html; charset=UTF-8"]);

        var outcome = Interpret(context, new WebmailRequest(WebmailRequestKind.Other, PreLogin, null, true));

        Assert.NotEqual(WebmailOutcomeKind.SessionAlive, outcome.Kind);
    }

    [Theory]
    [InlineData(302)]
    [InlineData(500)]
    public void Redirects_and_errors_without_privacy_headers_say_nothing(int status)
    {
        var context = Response(LoggedIn("GET", "?_task=mail"), status, "Content-Type: text/html; charset=UTF-8");

        Assert.Equal(WebmailOutcome.None, Interpret(context, Other(), marker: false));
    }

    [Fact]
    public void Files_and_requests_without_the_cookie_say_nothing()
    {
        var context = Response(LoggedIn("GET", "?_task=mail&_action=get&_uid=2&_part=3&_download=1"), 200, "Content-Type: application/octet-stream");

        Assert.Equal(WebmailOutcome.None, Interpret(context, new WebmailRequest(WebmailRequestKind.Other, Session, null, false), marker: false));
        Assert.Equal(WebmailOutcome.None, Interpret(context, new WebmailRequest(WebmailRequestKind.Other, null, null, true), marker: false));
    }

    [Theory]
    [InlineData("GET", "?_task=mail&_mbox=INBOX", "document", true)]
    [InlineData("GET", "?_task=mail&_mbox=INBOX", "", true)] // no Sec-Fetch-Dest: an older browser's navigation
    [InlineData("GET", "", "document", true)]
    [InlineData("GET", "?_task=login", "document", true)]
    [InlineData("GET", "?_task=mail&_action=show&_uid=2&_mbox=INBOX", "document", true)]
    [InlineData("GET", "?_task=mail&_action=compose&_extwin=1", "document", true)] // a popup window is a top-level document
    [InlineData("GET", "?_task=settings", "document", true)]
    [InlineData("GET", "?_task=mail&_action=preview&_uid=2&_mbox=INBOX&_framed=1", "iframe", false)]
    [InlineData("GET", "?_task=mail&_action=preview&_uid=2&_mbox=INBOX&_framed=1", "document", false)] // the flag alone is enough
    [InlineData("GET", "?_task=mail&_action=preview&_uid=2&_framed=0", "document", true)] // PHP's empty("0")
    [InlineData("GET", "?_task=mail&_action=show&_uid=2", "iframe", false)]
    [InlineData("GET", "?_task=mail&_action=show&_uid=2", "frame", false)]
    [InlineData("GET", "?_task=mail&_action=show&_uid=2", "empty", false)]
    [InlineData("GET", "?_task=mail&_action=keep-alive&_remote=1", "", false)]
    [InlineData("GET", "?_task=mail&_action=get&_uid=2&_part=2&_embed=1&_mimeclass=text", "document", false)]
    [InlineData("GET", "?_task=mail&_action=get&_uid=2&_part=2&_frame=1", "document", false)]
    [InlineData("GET", "?_task=mail&_action=get&_uid=2&_part=2", "document", false)]
    [InlineData("GET", "?_task=mail&_uid=2&_part=2&_download=1&_token=t", "document", false)]
    [InlineData("GET", "?_task=mail&_action=viewsource&_uid=2", "document", false)]
    [InlineData("GET", "?_task=mail&_action=print&_uid=2", "document", false)]
    [InlineData("HEAD", "?_task=mail", "document", false)]
    [InlineData("DELETE", "?_task=mail", "document", false)]
    public void Only_top_level_documents_may_carry_the_banner(string method, string query, string dest, bool expected)
    {
        var context = Request(method, Base + query, null);
        context.Request.Headers.Accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
        if (dest.Length > 0)
        {
            context.Request.Headers["Sec-Fetch-Dest"] = dest;
        }

        Assert.Equal(expected, _profile.MayCarryBanner(context.Request));
    }

    [Theory]
    [InlineData("application/json, text/javascript, */*; q=0.01", null, false)] // jQuery's XHR
    [InlineData("text/html, */*; q=0.01", "X-Requested-With", false)]
    [InlineData("text/html, */*; q=0.01", "X-Roundcube-Request", false)]
    [InlineData("*/*", null, false)]
    [InlineData("text/html", null, true)]
    public void Scripts_requests_never_carry_the_banner(string accept, string? header, bool expected)
    {
        var context = Request("GET", Base + "?_task=mail", null);
        context.Request.Headers.Accept = accept;
        if (header is not null)
        {
            context.Request.Headers[header] = header == "X-Requested-With" ? "XMLHttpRequest" : "token";
        }

        Assert.Equal(expected, _profile.MayCarryBanner(context.Request));
    }

    [Fact]
    public async Task A_framed_form_post_carries_no_banner_when_its_flag_is_in_the_body()
    {
        // Settings panes post their forms with a hidden _framed=1.
        var context = Request("POST", Base + "?_task=settings&_action=save-prefs", "_token=t&_framed=1&_section=general");
        context.Request.Headers.Accept = "text/html";
        await _profile.ClassifyAsync(context.Request);

        Assert.False(_profile.MayCarryBanner(context.Request));
    }

    [Theory]
    [InlineData(200, "text/html; charset=UTF-8", null, null, true)]
    [InlineData(200, "text/html;charset=UTF-8", "attachment; filename=\"report.html\"", "default-src 'none'; img-src 'self'", false)] // recorded: _download=1
    [InlineData(200, "text/html; charset=UTF-8", null, "script-src 'none'", false)] // recorded: an HTML part shown inline
    [InlineData(200, "application/octet-stream", "inline; filename=\"data.bin\"", "default-src 'none'; img-src 'self'", false)]
    [InlineData(200, "text/html; charset=UTF-8", "inline; filename=\"report.html\"", null, false)]
    [InlineData(200, "application/json; charset=UTF-8", null, null, false)]
    [InlineData(401, "text/html; charset=UTF-8", null, null, false)] // the failed login's page
    [InlineData(302, "text/html; charset=UTF-8", null, null, false)]
    [InlineData(200, "text/html", null, "default-src 'none'; script-src 'self'", true)]
    public void Only_plain_html_pages_get_the_banner(int status, string type, string? disposition, string? csp, bool expected)
    {
        var headers = new List<string> { "Content-Type: " + type };
        if (disposition is not null)
        {
            headers.Add("Content-Disposition: " + disposition);
        }

        if (csp is not null)
        {
            headers.Add("Content-Security-Policy: " + csp);
        }

        var context = Response(Request("GET", Base + "?_task=mail", null), status, [.. headers]);

        Assert.Equal(expected, _profile.CarriesBanner(context));
    }

    private static WebmailRequest Other() => new(WebmailRequestKind.Other, Session, null, true);

    private WebmailOutcome Interpret(HttpContext context, WebmailRequest request, bool marker = false) =>
        _profile.Interpret(context, request, new BodyOutcome { MarkerSeen = marker });

    private bool Seen(string body)
    {
        var scanner = new MarkerScanner(_profile.NotLoggedInMarker!);
        scanner.Scan(Encoding.UTF8.GetBytes(body));
        return scanner.Seen;
    }

    private DefaultHttpContext LoggedIn(string method, string query) =>
        Request(method, Base + query, null, (_profile.SessionCookie, Session), (RoundcubeProfile.AuthCookie, Auth));

    private static DefaultHttpContext Request(string method, string url, string? form, params (string Name, string Value)[] cookies)
    {
        var context = new DefaultHttpContext();
        var request = context.Request;
        request.Method = method;
        var q = url.IndexOf('?');
        request.Path = q < 0 ? url : url[..q];
        request.QueryString = q < 0 ? QueryString.Empty : new QueryString(url[q..]);
        if (cookies.Length > 0)
        {
            request.Headers.Cookie = string.Join("; ", cookies.Select(c => $"{c.Name}={c.Value}"));
        }

        if (form is not null)
        {
            var bytes = Encoding.ASCII.GetBytes(form);
            request.ContentType = "application/x-www-form-urlencoded";
            request.ContentLength = bytes.Length;
            request.Body = new NonSeekableStream(bytes);
        }

        return context;
    }

    private static DefaultHttpContext Response(DefaultHttpContext context, int status, params string[] headers)
    {
        context.Response.StatusCode = status;
        foreach (var header in headers)
        {
            var colon = header.IndexOf(':');
            var name = header[..colon];
            var value = header[(colon + 1)..].Trim();
            context.Response.Headers.Append(name, value);
        }

        return context;
    }

    /// <summary>A request body as a server gives it: readable once, not seekable.</summary>
    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes, writable: false)
    {
        public override bool CanSeek => false;

        public override long Position { get => base.Position; set => throw new NotSupportedException(); }

        public override long Seek(long offset, SeekOrigin loc) => throw new NotSupportedException();
    }
}
