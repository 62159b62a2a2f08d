using System.Text;
using Microsoft.AspNetCore.Http;
using WebKnock.Proxy.Body;
using WebKnock.Webmail;

namespace WebKnock.Tests.Webmail;

/// <summary>The SquirrelMail profile on its own: what counts as a failed login, what proves a session, how much of a login it reads.</summary>
public sealed class SquirrelMailProfileTests
{
    private const string Src = "/squirrelmail/src/";
    private const string LoginForm = "login_username=alice&secretkey=wrong&js_autodetect_results=1&just_logged_in=1";
    private readonly SquirrelMailProfile _profile = new("");

    [Theory]
    [InlineData(200, true, null, WebmailOutcomeKind.LoginFailed)] // the wrong-password page, ending with <!-- logout_error -->
    [InlineData(200, false, null, WebmailOutcomeKind.None)] // some other page: nothing said about the credentials
    [InlineData(500, false, null, WebmailOutcomeKind.None)]
    [InlineData(502, false, null, WebmailOutcomeKind.None)]
    [InlineData(302, false, "webmail.php", WebmailOutcomeKind.LoginSucceeded)]
    [InlineData(302, false, "login.php", WebmailOutcomeKind.None)]
    public async Task Only_the_wrong_password_page_is_a_failed_login(int status, bool marker, string? location, WebmailOutcomeKind expected)
    {
        var context = Post(Src + "redirect.php", LoginForm, chunked: false);
        var request = await _profile.ClassifyAsync(context.Request);
        Assert.Equal(WebmailRequestKind.LoginAttempt, request.Kind);
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=iso-8859-1";
        if (location is not null)
        {
            context.Response.Headers.Location = location;
            context.Response.Headers.Append("Set-Cookie", "SQMSESSID=newid1234; path=/squirrelmail/");
        }

        var outcome = _profile.Interpret(context, request, new BodyOutcome { MarkerSeen = marker });

        Assert.Equal(expected, outcome.Kind);
    }

    [Theory]
    [InlineData("/squirrelmail/redirect.php")]
    [InlineData("/redirect.php")]
    public async Task A_post_to_a_redirect_php_outside_src_is_no_login(string path)
    {
        var request = await _profile.ClassifyAsync(Post(path, LoginForm, chunked: false).Request);
        Assert.NotEqual(WebmailRequestKind.LoginAttempt, request.Kind);
    }

    [Theory]
    [InlineData("right_main.php", 200, "text/html; charset=iso-8859-1", true)]
    [InlineData("left_main.php", 200, "text/html", true)]
    [InlineData("right_main.php", 302, "text/html", false)] // a redirect proves nothing
    [InlineData("right_main.php", 304, null, false)] // nor does a revalidation without a body
    [InlineData("download.php", 200, "application/octet-stream", false)]
    [InlineData("plugin_page.php", 200, "text/html", false)] // not a page known to need a session
    public void Only_a_page_only_a_logged_in_user_gets_proves_a_session(string page, int status, string? type, bool proven)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Path = Src + page;
        context.Request.Headers.Cookie = "SQMSESSID=unknown0123456789";
        context.Response.StatusCode = status;
        context.Response.ContentType = type;
        var request = new WebmailRequest(WebmailRequestKind.Other, "unknown0123456789", null, true);

        var outcome = _profile.Interpret(context, request, new BodyOutcome());

        Assert.Equal(WebmailOutcomeKind.SessionAlive, outcome.Kind);
        Assert.Equal(proven, outcome.Proven);
    }

    [Fact]
    public async Task A_chunked_login_is_read_for_its_user_and_passed_on_whole()
    {
        var context = Post(Src + "redirect.php", LoginForm, chunked: true);

        var request = await _profile.ClassifyAsync(context.Request);

        Assert.Equal("alice", request.UserName);
        Assert.Equal(LoginForm, await new StreamReader(context.Request.Body).ReadToEndAsync());
    }

    [Fact]
    public async Task A_chunked_body_past_the_limit_is_read_no_further_and_passed_on_whole()
    {
        var body = LoginForm + "&padding=" + new string('x', 4 * 1024 * 1024);
        var context = Post(Src + "redirect.php", body, chunked: true);
        var source = (CountingStream)context.Request.Body;

        var request = await _profile.ClassifyAsync(context.Request);

        Assert.Equal(WebmailRequestKind.LoginAttempt, request.Kind);
        Assert.Null(request.UserName);
        Assert.InRange(source.Taken, 1, (64 * 1024) + 1); // the fixed limit and one byte to know it is past, not 4 MiB
        Assert.Equal(body, await new StreamReader(context.Request.Body).ReadToEndAsync());
    }

    private static DefaultHttpContext Post(string path, string form, bool chunked)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Path = path;
        context.Request.ContentType = "application/x-www-form-urlencoded";
        var bytes = Encoding.ASCII.GetBytes(form);
        context.Request.ContentLength = chunked ? null : bytes.Length;
        context.Request.Body = new CountingStream(bytes);
        return context;
    }

    /// <summary>A request body as a server gives it: readable once, in small pieces, counting what was taken.</summary>
    private sealed class CountingStream(byte[] bytes) : MemoryStream(bytes, writable: false)
    {
        public long Taken { get; private set; }

        public override bool CanSeek => false;

        public override long Position { get => base.Position; set => throw new NotSupportedException(); }

        public override long Seek(long offset, SeekOrigin loc) => throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count) => Count(base.Read(buffer, offset, Math.Min(count, 8192)));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var piece = new byte[Math.Min(buffer.Length, 8192)];
            var n = Read(piece, 0, piece.Length);
            piece.AsSpan(0, n).CopyTo(buffer.Span);
            return ValueTask.FromResult(n);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer, offset, count));

        private int Count(int n)
        {
            Taken += n;
            return n;
        }
    }
}
