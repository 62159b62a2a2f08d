using System.Text;
using Microsoft.AspNetCore.Http.Features;
using WebKnock.Proxy.Body;

namespace WebKnock.Webmail;

/// <summary>
/// Roundcube 1.6 (reference/webmail.md), as its index.php behaves. Every page is index.php with
/// <c>_task</c> and <c>_action</c> parameters, from the query or the form (the form wins, as in PHP).
/// <list type="bullet">
/// <item>Login: a POST with <c>_task=login</c> and <c>_action=login</c>, user <c>_user</c>. Success is a
/// redirect that sets a new, regenerated session id and a real <c>roundcube_sessauth</c>: the new id is
/// the one tracked. A failure is a 401 whose answer cleared <c>roundcube_sessauth</c> twice: index.php kills
/// the session once before it checks the credentials, only when the request passed its token check
/// (<c>$request_valid</c>), and again after the failure. A post without a valid <c>_token</c> (what a
/// forged cross-site form sends) gets the same 401 and login page with one clearing only: no failure.</item>
/// <item>Sign-out: <c>_task=logout</c>, recognised from the response only, by <c>roundcube_sessauth</c>
/// set last to <c>-del-</c>. Without the right token Roundcube answers "REQUEST CHECK FAILED" and the
/// session lives on.</item>
/// <item>Session state, for index.php requests that carry the session cookie. Ended: the AJAX JSON
/// command <c>this.session_error(\"</c> (the marker), the auth cookie cleared, or a 200 without the
/// privacy headers that index.php sends only to a logged-in session (<c>common_headers(!empty(
/// $_SESSION['user_id']))</c>: <c>X-DNS-Prefetch-Control</c>). Alive: those headers present and the
/// request carrying <c>roundcube_sessauth</c>, which every logged-in browser does and a browser holding
/// only its pre-login cookie does not, so a reloaded login page is never taken for a session.</item>
/// </list>
/// The marker is the JSON form of the command, escaped quote included, and counts in JSON answers only:
/// there the text of a message (a subject in the list) is escaped twice inside <c>exec</c>, so it cannot
/// produce those bytes, where the looser <c>session_error</c> would match any mail that mentions it. In
/// an HTML page a mail's own text could carry anything, so a page (a framed one of a dead session shows
/// <c>parent.rcmail.session_error("</c>) is judged by its privacy headers instead.
/// Files (attachments, message source, exports) are neither watched nor rewritten: their bytes pass as sent.
/// </summary>
internal sealed class RoundcubeProfile(string sessionCookie) : IWebmailProfile
{
    public const string DefaultSessionCookie = "roundcube_sessid";

    /// <summary>Roundcube's second session cookie (its <c>session_auth_name</c> default).</summary>
    public const string AuthCookie = "roundcube_sessauth";

    private const string Deleted = "-del-";
    private const string PrivacyHeader = "X-DNS-Prefetch-Control";
    private const int MaxFormBytes = 64 * 1024;

    // Requests for a part of a page, never a page of its own: AJAX, frames, embedded views, downloads.
    private static readonly string[] PartFlags = ["_remote", "_framed", "_embed", "_frame", "_download"];

    // Actions that answer with a file rather than a page.
    private static readonly string[] FileActions = ["get", "viewsource", "export", "photo", "qrcode", "display-attachment", "upload-display", "modcss"];

    // Pages that are documents but not for a banner: the print view, and editor conversions fetched by script.
    private static readonly string[] NoBannerActions = ["print", "html2text", "text2html", "spell", "spell_html", "keep-alive", "refresh"];

    public string Name => "Roundcube";

    public string SessionCookie { get; } = string.IsNullOrEmpty(sessionCookie) ? DefaultSessionCookie : sessionCookie;

    public byte[]? NotLoggedInMarker { get; } = Encoding.ASCII.GetBytes("this.session_error(\\\"");

    public byte[]? LoginFailedMarker => null;

    public async ValueTask<WebmailRequest> ClassifyAsync(HttpRequest request)
    {
        request.Cookies.TryGetValue(SessionCookie, out var sessionId);
        if (string.IsNullOrEmpty(sessionId))
        {
            sessionId = null;
        }

        if (!IsIndex(request.Path))
        {
            return new WebmailRequest(WebmailRequestKind.Other, sessionId, null, false);
        }

        var form = HttpMethods.IsPost(request.Method) ? await ReadSmallFormAsync(request) : null;
        var task = Parameter(request, form, "_task");
        var action = Parameter(request, form, "_action");
        if (form is not null && task == "login" && action == "login")
        {
            var user = form["_user"].ToString().Trim();
            return new WebmailRequest(WebmailRequestKind.LoginAttempt, sessionId, user.Length == 0 ? null : user[..Math.Min(user.Length, 128)], false);
        }

        if (task == "logout")
        {
            return new WebmailRequest(WebmailRequestKind.SignOut, sessionId, null, true);
        }

        var isFile = IsFlag(request, form, "_download") || (action is not null && FileActions.Contains(action));
        var kind = task == "login" ? WebmailRequestKind.LoginPage : WebmailRequestKind.Other;
        return new WebmailRequest(kind, sessionId, null, !isFile);
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

        // Only a top-level document: Roundcube's frames (message preview, settings panes, upload targets)
        // are iframes, and its scripts' requests say who they are.
        var dest = request.Headers["Sec-Fetch-Dest"].ToString();
        if (dest.Length > 0 && dest != "document")
        {
            return false;
        }

        if (request.Headers.ContainsKey("X-Roundcube-Request") || request.Headers.XRequestedWith.Count > 0)
        {
            return false;
        }

        if (!IsIndex(request.Path))
        {
            return true; // not Roundcube's page script; the response's own headers decide
        }

        var form = CachedForm(request);
        if (PartFlags.Any(flag => IsFlag(request, form, flag)))
        {
            return false;
        }

        var action = Parameter(request, form, "_action");
        return action is null || (!FileActions.Contains(action) && !NoBannerActions.Contains(action));
    }

    public bool CarriesBanner(HttpContext context)
    {
        var response = context.Response;
        return response.StatusCode == StatusCodes.Status200OK
            && response.ContentType is { } type && type.StartsWith("text/html", StringComparison.OrdinalIgnoreCase)
            && response.Headers.ContentDisposition.Count == 0
            && !ForbidsScripts(response.Headers.ContentSecurityPolicy.ToString());
    }

    public WebmailOutcome Interpret(HttpContext context, WebmailRequest request, BodyOutcome body)
    {
        var response = context.Response;
        var auth = SetCookies.LastValue(response.Headers.SetCookie, AuthCookie);
        if (request.Kind == WebmailRequestKind.LoginAttempt)
        {
            // A valid login post also kills a session the browser still held (index.php's kill_session);
            // one answer gives one outcome here, so that old session is left to idle out.
            var newSession = SetCookies.LastValue(response.Headers.SetCookie, SessionCookie);
            var location = response.Headers.Location.ToString();
            var succeeded = response.StatusCode is 302 or 303
                && newSession is { Length: > 0 } && newSession != Deleted
                && auth is { Length: > 0 } && auth != Deleted
                && !location.Contains("_task=login", StringComparison.Ordinal);
            if (succeeded)
            {
                return new WebmailOutcome(WebmailOutcomeKind.LoginSucceeded, newSession, request.UserName);
            }

            // The credentials were checked only when the request token was: see the class's comment.
            return response.StatusCode == StatusCodes.Status401Unauthorized && CountCleared(response.Headers.SetCookie) >= 2
                ? new WebmailOutcome(WebmailOutcomeKind.LoginFailed, null, request.UserName)
                : WebmailOutcome.None;
        }

        if (request.SessionId is null || !request.MaySessionPage)
        {
            return WebmailOutcome.None;
        }

        if (auth == Deleted)
        {
            // Roundcube's kill_session(): a completed sign-out, or a session whose auth cookie failed its check.
            return new WebmailOutcome(request.Kind == WebmailRequestKind.SignOut ? WebmailOutcomeKind.SignedOut : WebmailOutcomeKind.SessionExpired, request.SessionId);
        }

        var loggedIn = response.Headers.ContainsKey(PrivacyHeader);
        var sessionError = body.MarkerSeen && IsJson(response.ContentType);
        if (sessionError || (response.StatusCode == StatusCodes.Status200OK && !loggedIn))
        {
            return new WebmailOutcome(WebmailOutcomeKind.SessionExpired, request.SessionId);
        }

        var carriesAuth = context.Request.Cookies.TryGetValue(AuthCookie, out var sent) && sent is { Length: > 0 } && sent != Deleted;
        // The privacy headers come from index.php for a logged-in session only: a 200 with them proves one.
        return loggedIn && carriesAuth && response.StatusCode < 400
            ? new WebmailOutcome(WebmailOutcomeKind.SessionAlive, request.SessionId, Proven: response.StatusCode == StatusCodes.Status200OK)
            : WebmailOutcome.None;
    }

    /// <summary>How many times the answer cleared the auth cookie (each kill_session() sets it to -del- once).</summary>
    private static int CountCleared(Microsoft.Extensions.Primitives.StringValues setCookies)
    {
        var n = 0;
        foreach (var header in setCookies)
        {
            if (header is not null && SetCookies.LastValue(new Microsoft.Extensions.Primitives.StringValues(header), AuthCookie) == Deleted)
            {
                n++;
            }
        }

        return n;
    }

    /// <summary>Roundcube's own pages are its index.php, asked for as the base path or by name.</summary>
    private static bool IsIndex(PathString path)
    {
        var value = path.Value;
        if (string.IsNullOrEmpty(value))
        {
            return true;
        }

        var name = value[(value.LastIndexOf('/') + 1)..];
        return name.Length == 0 || name.Equals("index.php", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A parameter as PHP's <c>$_REQUEST</c> has it: the form's value over the query's, case and all.</summary>
    private static string? Parameter(HttpRequest request, IFormCollection? form, string name)
    {
        var value = form is not null && form.TryGetValue(name, out var posted) ? posted.ToString() : request.Query[name].ToString();
        return value.Length == 0 ? null : value;
    }

    /// <summary>A flag as PHP's <c>!empty()</c> sees it: present, and neither empty nor "0".</summary>
    private static bool IsFlag(HttpRequest request, IFormCollection? form, string name) =>
        Parameter(request, form, name) is { } value && value != "0";

    /// <summary>The form read by <see cref="ClassifyAsync"/>, if it read one; never reads the body.</summary>
    private static IFormCollection? CachedForm(HttpRequest request) =>
        request.HttpContext.Features.Get<IFormFeature>() is { Form: { } form } ? form : null;

    private static bool IsJson(string? contentType) =>
        contentType is not null && contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase);

    private static bool ForbidsScripts(string csp) =>
        csp.Contains("script-src 'none'", StringComparison.OrdinalIgnoreCase)
        || (csp.Contains("default-src 'none'", StringComparison.OrdinalIgnoreCase) && !csp.Contains("script-src", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Reads a small url-encoded form (the login, the logout, AJAX posts) from at most <see cref="MaxFormBytes"/> of
    /// the body, sized or chunked, leaving the body whole for the upstream. Uploads and larger bodies are left alone:
    /// their parameters come from the query.
    /// </summary>
    private static Task<IFormCollection?> ReadSmallFormAsync(HttpRequest request) => SmallForm.ReadAsync(request, MaxFormBytes);
}
