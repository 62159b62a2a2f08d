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

internal sealed record WebmailOutcome(WebmailOutcomeKind Kind, string? SessionId = null, string? UserName = null)
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

    /// <summary>Reads what the request is; may read a small form body (the login), rewinding it for the upstream.</summary>
    ValueTask<WebmailRequest> ClassifyAsync(HttpRequest request);

    /// <summary>Whether the request could get a banner, before the response exists.</summary>
    bool MayCarryBanner(HttpRequest request);

    /// <summary>Whether the response, headers known, is a page that gets the banner.</summary>
    bool CarriesBanner(HttpContext context);

    /// <summary>What the response meant for sessions.</summary>
    WebmailOutcome Interpret(HttpContext context, WebmailRequest request, BodyOutcome body);
}
