using System.Text;
using WebKnock.Proxy.Body;

namespace WebKnock.Webmail;

/// <summary>
/// SquirrelMail 1.4 (reference/webmail.md): a login is a POST to src/redirect.php answered 302 to
/// webmail.php with a new session cookie; a failure is redirect.php's wrong-password page, a 200 that
/// ends with the <c>logout_error</c> marker (anything else, such as an error of the server, is neither);
/// a sign-out is src/signout.php answered with SQMSESSID=SQMTRASH; a page
/// asked for with a dead session answers the logout_error page.
/// </summary>
internal sealed class SquirrelMailProfile(string sessionCookie) : IWebmailProfile
{
    private const string Trash = "SQMTRASH";
    private const int MaxLoginFormBytes = 64 * 1024;

    // Pages that never carry the banner: the framesets (webmail.php, the print popup, the JavaScript address book's
    // popup), the frames that only ever live in them (the folder list, the print halves, the address book's search
    // form and results), and attachments.
    private static readonly string[] NoBannerPages =
    [
        "webmail.php", "left_main.php", "download.php", "image.php",
        "printer_friendly_main.php", "printer_friendly_bottom.php", "printer_friendly_top.php",
        "addrbook_popup.php", "addrbook_search.php",
    ];

    // The pages SquirrelMail 1.4 shows in its right frame, the designated content frame (src/ of 1.4.23): the message
    // list, a message, its header and text-attachment views, compose and the HTML address book, options, folders,
    // search, help. A page in any other frame (or in a frame of another frameset) never gets the banner.
    private static readonly string[] RightFramePages =
    [
        "right_main.php", "read_body.php", "view_header.php", "view_text.php", "vcard.php",
        "compose.php", "addressbook.php", "addrbook_search_html.php",
        "options.php", "options_highlight.php", "options_identities.php", "options_order.php",
        "folders.php", "folders_create.php", "folders_delete.php", "folders_rename_do.php", "folders_rename_getname.php", "folders_subscribe.php",
        "search.php", "help.php", "delete_message.php", "move_messages.php", "empty_trash.php",
    ];

    // Pages that answer a logged-in session with its own content, and anyone else with the logout_error page.
    private static readonly string[] SessionPages = ["webmail.php", "left_main.php", "right_main.php", "read_body.php", "compose.php", "options.php", "folders.php", "addressbook.php", "search.php", "help.php"];

    public string Name => "SquirrelMail";

    public string SessionCookie { get; } = string.IsNullOrEmpty(sessionCookie) ? "SQMSESSID" : sessionCookie;

    public byte[]? NotLoggedInMarker { get; } = Encoding.ASCII.GetBytes("<!-- logout_error -->");

    /// <summary>redirect.php answers a wrong user name or password with the same logout_error page.</summary>
    public byte[]? LoginFailedMarker => NotLoggedInMarker;

    public async ValueTask<WebmailRequest> ClassifyAsync(HttpRequest request)
    {
        var page = PageName(request.Path);
        request.Cookies.TryGetValue(SessionCookie, out var sessionId);
        if (sessionId == Trash)
        {
            sessionId = null;
        }

        switch (page)
        {
            case "redirect.php" when HttpMethods.IsPost(request.Method) && IsUnderSrc(request.Path):
                return new WebmailRequest(WebmailRequestKind.LoginAttempt, sessionId, await ReadUserNameAsync(request), false);
            case "signout.php":
                return new WebmailRequest(WebmailRequestKind.SignOut, sessionId, null, false);
            case "login.php":
                return new WebmailRequest(WebmailRequestKind.LoginPage, sessionId, null, false);
            default:
                var sessionPage = page is not null && page.EndsWith(".php", StringComparison.Ordinal) && IsUnderSrc(request.Path);
                return new WebmailRequest(WebmailRequestKind.Other, sessionId, null, sessionPage);
        }
    }

    public bool MayCarryBanner(HttpRequest request)
    {
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsPost(request.Method))
        {
            return false;
        }

        if (!request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase))
        {
            return false; // scripts, images, XHR: only navigations ask for HTML
        }

        var page = PageName(request.Path);
        if (page is not null && NoBannerPages.Contains(page, StringComparer.OrdinalIgnoreCase))
        {
            return false;
        }

        // A top-level document may carry it; in a frame only the right frame's pages (webmail.php's frameset is where
        // they are shown), never an iframe. A browser that does not say (no Sec-Fetch-Dest) is judged by the page alone.
        return request.Headers["Sec-Fetch-Dest"].ToString() switch
        {
            "" or "document" => true,
            "frame" => page is not null && IsUnderSrc(request.Path) && RightFramePages.Contains(page, StringComparer.OrdinalIgnoreCase),
            _ => false,
        };
    }

    public bool CarriesBanner(HttpContext context)
    {
        var response = context.Response;
        return response.StatusCode == StatusCodes.Status200OK
            && response.ContentType is { } type && type.StartsWith("text/html", StringComparison.OrdinalIgnoreCase)
            && response.Headers.ContentDisposition.Count == 0;
    }

    public WebmailOutcome Interpret(HttpContext context, WebmailRequest request, BodyOutcome body)
    {
        var response = context.Response;
        var newSession = SetCookies.LastValue(response.Headers.SetCookie, SessionCookie);
        switch (request.Kind)
        {
            case WebmailRequestKind.LoginAttempt:
                var location = response.Headers.Location.ToString();
                if (response.StatusCode is 302 or 303 && location.Contains("webmail.php", StringComparison.OrdinalIgnoreCase)
                    && newSession is { Length: > 0 } && newSession != Trash)
                {
                    return new WebmailOutcome(WebmailOutcomeKind.LoginSucceeded, newSession, request.UserName);
                }

                return response.StatusCode == StatusCodes.Status200OK && body.MarkerSeen
                    ? new WebmailOutcome(WebmailOutcomeKind.LoginFailed, null, request.UserName)
                    : WebmailOutcome.None;
            case WebmailRequestKind.SignOut when newSession == Trash && request.SessionId is not null:
                return new WebmailOutcome(WebmailOutcomeKind.SignedOut, request.SessionId);
            case WebmailRequestKind.LoginPage when request.SessionId is not null:
                return new WebmailOutcome(WebmailOutcomeKind.SessionEnded, request.SessionId);
            case WebmailRequestKind.Other when request.SessionId is not null && request.MaySessionPage:
                if (body.MarkerSeen || newSession == Trash)
                {
                    return new WebmailOutcome(WebmailOutcomeKind.SessionExpired, request.SessionId);
                }

                return response.StatusCode < 400
                    ? new WebmailOutcome(WebmailOutcomeKind.SessionAlive, request.SessionId, Proven: ProvesSession(context))
                    : WebmailOutcome.None;
            default:
                return WebmailOutcome.None;
        }
    }

    /// <summary>
    /// A page only a logged-in user gets: one of the session pages (each includes validate.php, which answers a dead
    /// session with the logout_error page instead), a 200 HTML answer, its body seen whole without the marker.
    /// </summary>
    private static bool ProvesSession(HttpContext context) =>
        context.Response.StatusCode == StatusCodes.Status200OK
        && context.Response.ContentType is { } type && type.StartsWith("text/html", StringComparison.OrdinalIgnoreCase)
        && PageName(context.Request.Path) is { } page && SessionPages.Contains(page)
        && !context.RequestAborted.IsCancellationRequested;

    /// <summary>The login form's user name, read from at most <see cref="MaxLoginFormBytes"/> of the body, sized or chunked.</summary>
    private static async Task<string?> ReadUserNameAsync(HttpRequest request)
    {
        var form = await SmallForm.ReadAsync(request, MaxLoginFormBytes);
        var user = form?["login_username"].ToString();
        return string.IsNullOrEmpty(user) ? null : user[..Math.Min(user.Length, 128)];
    }

    private static string? PageName(PathString path)
    {
        var value = path.Value;
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        var slash = value.LastIndexOf('/');
        var name = value[(slash + 1)..];
        return name.Length == 0 ? null : name.ToLowerInvariant();
    }

    private static bool IsUnderSrc(PathString path) => path.Value?.Contains("/src/", StringComparison.OrdinalIgnoreCase) == true;
}
