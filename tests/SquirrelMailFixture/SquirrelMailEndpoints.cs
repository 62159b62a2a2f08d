using System.Globalization;
using System.Security.Cryptography;

namespace SquirrelMailFixture;

/// <summary>The PHP scripts of SquirrelMail 1.4.23 under <c>{BasePath}src/</c>, as seen over HTTP.</summary>
internal sealed class SquirrelMailEndpoints(FixtureOptions options, SessionStore store)
{
    private readonly Pages _pages = new(options);
    private readonly MailPages _mail = new(options, new Pages(options));

    private MailPages Mail => _mail;

    public void Map(IEndpointRouteBuilder routes)
    {
        string basePath = options.BasePath;
        routes.MapGet(basePath, Index);
        routes.MapGet(basePath + "index.php", Index);

        RouteGroupBuilder src = routes.MapGroup(basePath + "src");
        src.MapGet("/login.php", Login);
        src.MapMethods("/redirect.php", ["GET", "POST"], Redirect);
        src.MapGet("/signout.php", SignOut);
        src.MapGet("/webmail.php", context => WithSession(context, user => Mail.Frameset(RightFrame(context))));
        src.MapGet("/left_main.php", context => WithSession(context, user => Mail.LeftMain(user, options.TimeProvider.GetUtcNow())));
        src.MapGet("/right_main.php", context => WithSession(context, Mail.RightMain));
        src.MapMethods("/compose.php", ["GET", "POST"], context => WithSession(context, user => Mail.Compose(user, context.Request.Query["mailtodata"])));
        src.MapGet("/read_body.php", context => WithSession(context, user => PassedMessage(context) is { } message
            ? Mail.ReadBody(user, message) : _pages.ErrorBox("Message not found")));
        src.MapGet("/printer_friendly_main.php", context => WithSession(context, user => Mail.PrinterFrameset(PassedId(context))));
        src.MapGet("/printer_friendly_top.php", context => WithSession(context, user => Mail.PrinterTop()));
        src.MapGet("/printer_friendly_bottom.php", context => WithSession(context, user => PassedMessage(context) is { } message
            ? Mail.PrinterBottom(message) : _pages.ErrorBox("Message not found")));
        src.MapGet("/download.php", Download);
        src.MapGet("/view_text.php", context => WithSession(context, user =>
            PassedMessage(context) is { } message && Mailbox.FindAttachment(message.Id, context.Request.Query["ent_id"]) is { } attachment
                ? Mail.ViewText(user, message, attachment) : _pages.ErrorBox("Attachment not found")));
        src.MapGet("/addrbook_popup.php", context => WithSession(context, user => Mail.AddressBookPopup()));
        src.MapGet("/addrbook_search.php", context => WithSession(context, user =>
            Mail.AddressBookSearch(context.Request.Query["show"], context.Request.Query["query"])));
    }

    /// <summary>index.php sends the browser to the login page.</summary>
    private static Task Index(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status302Found;
        context.Response.Headers.Location = "src/login.php";
        return Task.CompletedTask;
    }

    /// <summary>login.php: destroys any session, starts a fresh one, shows the form.</summary>
    private Task Login(HttpContext context)
    {
        store.Destroy(SessionCookie(context));
        SessionInfo session = store.CreateAnonymous();
        new PhpCookies(context.Response, options).SessionTwice(session.Id);
        BodyWriter.SessionPageHeaders(context.Response);
        return BodyWriter.Latin1HtmlAsync(context, _pages.Login());
    }

    /// <summary>redirect.php: checks the credentials; success regenerates the id and redirects.</summary>
    private async Task Redirect(HttpContext context)
    {
        IFormCollection form = context.Request.HasFormContentType
            ? await context.Request.ReadFormAsync(context.RequestAborted)
            : FormCollection.Empty;
        string user = form["login_username"].ToString().Trim();
        string password = form["secretkey"].ToString();
        string? mailto = form["mailtodata"];
        string? remote = context.Connection.RemoteIpAddress?.ToString();
        var cookies = new PhpCookies(context.Response, options);
        BodyWriter.SessionPageHeaders(context.Response);

        if (user.Length == 0 || !options.Users.TryGetValue(user, out string? expected) || expected != password)
        {
            store.FailLogIn(SessionCookie(context), user, remote);
            cookies.DeleteSession();
            await BodyWriter.Latin1HtmlAsync(context, _pages.BadLogin());
            return;
        }

        SessionInfo session = store.LogIn(SessionCookie(context), user, remote);
        cookies.SessionTwice(session.Id);
        // The "key" cookie holds the password encrypted with a one-time pad kept in the session.
        cookies.SquirrelMail("key", Convert.ToBase64String(RandomNumberGenerator.GetBytes(Math.Max(password.Length, 1))));
        cookies.SquirrelMail("squirrelmail_language", "en_US", options.TimeProvider.GetUtcNow().AddDays(30));
        context.Response.StatusCode = StatusCodes.Status302Found;
        context.Response.ContentType = BodyWriter.HtmlLatin1;
        context.Response.Headers.Location = string.IsNullOrEmpty(mailto)
            ? "webmail.php"
            : $"{context.Request.Scheme}://{context.Request.Host}{options.BasePath}src/webmail.php?right_frame=compose.php&mailtodata={Uri.EscapeDataString(mailto)}";
    }

    /// <summary>signout.php: destroys the session and clears the cookies.</summary>
    private async Task SignOut(HttpContext context)
    {
        BodyWriter.SessionPageHeaders(context.Response);
        string? id = SessionCookie(context);
        if (store.Touch(id)?.User is null)
        {
            await BodyWriter.Latin1HtmlAsync(context, _pages.NotLoggedIn());
            return;
        }

        store.Destroy(id);
        store.RecordSignOut();
        var cookies = new PhpCookies(context.Response, options);
        cookies.DeleteSession();
        cookies.Delete("key");
        await BodyWriter.Latin1HtmlAsync(context, _pages.SignedOut());
    }

    /// <summary>download.php: an attachment, inline with its own type or (absolute_dl) as a download.</summary>
    private async Task Download(HttpContext context)
    {
        if (store.Touch(SessionCookie(context))?.User is null)
        {
            BodyWriter.SessionPageHeaders(context.Response);
            await BodyWriter.Latin1HtmlAsync(context, _pages.NotLoggedIn());
            return;
        }

        MailAttachment? attachment = Mailbox.FindAttachment(PassedId(context), context.Request.Query["ent_id"]);
        if (attachment is null)
        {
            BodyWriter.SessionPageHeaders(context.Response);
            await BodyWriter.Latin1HtmlAsync(context, _pages.ErrorBox("Attachment not found"));
            return;
        }

        await WriteAttachmentAsync(context, attachment, IsTrue(context.Request.Query["absolute_dl"]));
    }

    /// <summary>SendDownloadHeaders() and the body, chunked, without Content-Length.</summary>
    public static Task WriteAttachmentAsync(HttpContext context, MailAttachment attachment, bool absolute)
    {
        HttpResponse response = context.Response;
        response.Headers.Pragma = "public";
        response.Headers.CacheControl = "private";
        response.Headers.Expires = "Sat, 26 Jul 1997 05:00:00 GMT";
        response.ContentType = (absolute ? Attachments.BinaryType : attachment.ContentType) + $"; name=\"{attachment.FileName}\"";
        response.Headers.ContentDisposition = (absolute ? "attachment" : "inline") + $"; filename=\"{attachment.FileName}\"";
        return BodyWriter.ChunkedAsync(context, attachment.Bytes);
    }

    private async Task WithSession(HttpContext context, Func<string, string> page)
    {
        SessionInfo? session = store.Touch(SessionCookie(context));
        BodyWriter.SessionPageHeaders(context.Response);
        await BodyWriter.Latin1HtmlAsync(context, session?.User is { } user ? page(user) : _pages.NotLoggedIn());
    }

    private string? SessionCookie(HttpContext context) => context.Request.Cookies[options.SessionCookieName];

    private static string RightFrame(HttpContext context) =>
        context.Request.Query["right_frame"].ToString() == "compose.php"
            ? "compose.php?mailtodata=" + Uri.EscapeDataString(context.Request.Query["mailtodata"].ToString())
            : "right_main.php";

    private static int PassedId(HttpContext context) =>
        int.TryParse(context.Request.Query["passed_id"], NumberStyles.None, CultureInfo.InvariantCulture, out int id) ? id : 0;

    private static MailMessage? PassedMessage(HttpContext context) => Mailbox.Find(PassedId(context));

    private static bool IsTrue(string? value) =>
        value is not null && value != "0" && !value.Equals("false", StringComparison.OrdinalIgnoreCase) && value.Length > 0;
}
