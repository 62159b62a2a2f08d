using WebKnock.Proxy.Body;

namespace WebKnock.Webmail;

/// <summary>What a request to the webmail is, as far as sessions are concerned.</summary>
public enum WebmailRequestKind
{
    Other,
    LoginAttempt,
    SignOut,
    LoginPage,
}

/// <summary>A classified request: its kind, the session cookie it carried, the user name of a login attempt.</summary>
internal sealed record WebmailRequest(WebmailRequestKind Kind, string? SessionId, string? UserName, bool MaySessionPage)
{
    public static WebmailRequest None { get; } = new(WebmailRequestKind.Other, null, null, false);
}

/// <summary>What the upstream's answer meant.</summary>
public enum WebmailOutcomeKind
{
    None,
    LoginSucceeded,
    LoginFailed,
    SignedOut,
    /// <summary>The session ended by the user's own doing, without a sign-out (SquirrelMail's login page destroys it).</summary>
    SessionEnded,
    SessionAlive,

    /// <summary>The upstream no longer knows the session (it expired there): treated like an idle timeout.</summary>
    SessionExpired,
}

/// <summary>
/// What a response meant. <paramref name="Proven"/>, for <see cref="WebmailOutcomeKind.SessionAlive"/>: the answer is
/// one only a logged-in session gets, so a session the gateway does not know (after a restart) may be adopted.
/// </summary>
internal sealed record WebmailOutcome(WebmailOutcomeKind Kind, string? SessionId = null, string? UserName = null, bool Proven = false)
{
    public static WebmailOutcome None { get; } = new(WebmailOutcomeKind.None);
}

/// <summary>
/// Everything WebKnock knows about one webmail application: how its logins, sign-outs and sessions
/// look on the wire, and which of its pages may carry the banner. A third webmail is one more profile.
/// </summary>
internal interface IWebmailProfile
{
    string Name { get; }

    string SessionCookie { get; }

    /// <summary>Bytes whose presence in a response body means "not logged in" (null when the profile needs none).</summary>
    byte[]? NotLoggedInMarker { get; }

    /// <summary>
    /// Bytes whose presence in the answer to a login attempt means "wrong user name or password" (null when the
    /// profile reads a failure from the headers alone).
    /// </summary>
    byte[]? LoginFailedMarker { get; }

    /// <summary>Reads what the request is; may read a small form body (the login), rewinding it for the upstream.</summary>
    ValueTask<WebmailRequest> ClassifyAsync(HttpRequest request);

    /// <summary>Whether the request could get a banner, before the response exists.</summary>
    bool MayCarryBanner(HttpRequest request);

    /// <summary>Whether the response, headers known, is a page that gets the banner.</summary>
    bool CarriesBanner(HttpContext context);

    /// <summary>
    /// What the response meant for sessions. <see cref="WebmailOutcomeKind.LoginFailed"/> only for a credential that
    /// the webmail checked and refused; a post it refused unchecked (no or a wrong request token, a malformed form)
    /// is no failed login, since any page on the Internet can make a browser send one.
    /// </summary>
    WebmailOutcome Interpret(HttpContext context, WebmailRequest request, BodyOutcome body);
}
