using WebKnock.Knocking;
using WebKnock.Proxy.Banner;
using WebKnock.Proxy.Body;
using WebKnock.Proxy.Gate;
using WebKnock.Webmail;
using WebKnock.Windows;

namespace WebKnock.Proxy;

/// <summary>
/// Runs in YARP's proxy pipeline around every forwarded request: classifies it with the webmail
/// profile, streams the response through the body rewriter (banner in eligible pages, the
/// not-logged-in marker watched), then tells the sessions what the upstream's answer meant.
/// </summary>
internal sealed class WebmailProxyMiddleware(
    IWebmailProfile profile,
    WebmailSessions sessions,
    AccessWindowManager windows,
    BannerRenderer banner,
    TimeProvider time,
    WebKnock.Operations.GatewayMetrics? metrics = null,
    FailedLoginGuard? failedLogins = null)
{
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var address = context.ClientAddress();
        var request = await profile.ClassifyAsync(context.Request);
        var watchMarker = request.Kind == WebmailRequestKind.LoginAttempt ? profile.LoginFailedMarker
            : request.SessionId is not null && request.MaySessionPage ? profile.NotLoggedInMarker
            : null;
        var state = profile.MayCarryBanner(context.Request) ? BannerFor(address) : (BannerState?)null;
        var injection = state is { } s ? await banner.RenderAsync(s) : null;

        // A page whose answer sets a Content-Security-Policy may refuse inline code: it gets the banner with its files
        // linked (same origin, immutable), rendered now too, chosen from the final headers.
        var linkedInjection = state is { } l && banner.Inlines ? await banner.RenderAsync(l with { Linked = true }) : injection;

        // A sign-out page that will close the window shows the closed banner, which needs nothing more from the
        // gateway (the gate refuses the address from then on). Rendered now, chosen from the final headers.
        var closedInjection = injection is not null && request.Kind == WebmailRequestKind.SignOut
            ? await banner.RenderAsync(new BannerState(false, 0, false))
            : null;

        BodyPlan Plan(HttpContext c)
        {
            var inject = injection is not null && profile.CarriesBanner(c)
                ? closedInjection is not null && ClosesTheWindow(c, request, address) ? closedInjection
                : HasContentSecurityPolicy(c.Response) ? linkedInjection
                : injection
                : null;
            if (inject is not null)
            {
                // The page now differs from the upstream's: a revalidation must not bring back an old banner.
                c.Response.Headers.ETag = default;
                c.Response.Headers.LastModified = default;
            }

            return inject is null && watchMarker is null ? BodyPlan.PassThrough : new BodyPlan(inject, watchMarker);
        }

        BodyOutcome body;
        var aborted = false;
        try
        {
            // Nothing to inject or watch: the body goes through without a wrapper at all.
            body = injection is null && watchMarker is null
                ? await PassThroughAsync(context, next)
                : await ResponseBodyRewriter.InvokeAsync(context, Plan, next);
        }
        catch (Exception ex) when (context.RequestAborted.IsCancellationRequested || ex is IOException or OperationCanceledException)
        {
            // The client went away mid-body. A login or sign-out is decided by the upstream's headers,
            // which are known: interpret them anyway, or a sign-out would be lost.
            body = new BodyOutcome();
            aborted = true;
        }

        metrics?.Proxied(context.Response.StatusCode);

        var outcome = profile.Interpret(context, request, body);
        switch (outcome.Kind)
        {
            case WebmailOutcomeKind.LoginSucceeded:
                sessions.LoginSucceeded(address, outcome.SessionId!, outcome.UserName);
                break;
            case WebmailOutcomeKind.LoginFailed when RequestSite.IsForeign(context.Request):
                // A page of another site made the browser post it (its user may never have seen the form): counting it
                // would let any web page get its visitors' address blocked.
                sessions.ForeignLoginFailed(address, outcome.UserName);
                break;
            case WebmailOutcomeKind.LoginFailed:
                sessions.LoginFailed(address, outcome.UserName);
                if (failedLogins is not null)
                {
                    // At the limit this closes the address's windows; this request's connection is spared, so the
                    // answer (the webmail's "wrong password" page) still arrives.
                    await failedLogins.FailedAsync(address, CancellationToken.None);
                }

                break;
            case WebmailOutcomeKind.SignedOut:
                if (sessions.SignedOut(outcome.SessionId!) is { } sessionAddress)
                {
                    // The window of the address where the sessions lived, not necessarily this request's.
                    if (aborted)
                    {
                        await sessions.CloseAfterLastSignOutAsync(sessionAddress);
                    }
                    else
                    {
                        // Close once the sign-out page has reached the user, not before.
                        context.Response.OnCompleted(() => sessions.CloseAfterLastSignOutAsync(sessionAddress));
                    }
                }

                break;
            case WebmailOutcomeKind.SessionEnded:
                sessions.SessionEnded(outcome.SessionId!);
                break;
            case WebmailOutcomeKind.SessionExpired:
                if (sessions.SessionExpired(outcome.SessionId!) is { } lastOf)
                {
                    // Like an idle timeout: the user gets this answer (the webmail's "log in again" page), then the
                    // window closes, as the idle policy says.
                    if (aborted)
                    {
                        await sessions.CloseAfterLastExpiryAsync(lastOf);
                    }
                    else
                    {
                        context.Response.OnCompleted(() => sessions.CloseAfterLastExpiryAsync(lastOf));
                    }
                }

                break;
            case WebmailOutcomeKind.SessionAlive:
                sessions.SessionAlive(address, outcome.SessionId!, outcome.Proven && !aborted);
                break;
        }
    }

    /// <summary>
    /// Whether this response, its headers final, is the sign-out of the address's last live session and so closes a
    /// window that nothing else keeps open (a network window would still let the address in).
    /// </summary>
    private bool ClosesTheWindow(HttpContext context, WebmailRequest request, System.Net.IPAddress address)
    {
        var outcome = profile.Interpret(context, request, new BodyOutcome());
        return outcome.Kind == WebmailOutcomeKind.SignedOut
            && sessions.IsLastLiveSession(outcome.SessionId!, address)
            && windows.NetworksContaining(ServiceNames.Webmail, address).Count == 0;
    }

    private static async Task<BodyOutcome> PassThroughAsync(HttpContext context, RequestDelegate next)
    {
        await next(context);
        return new BodyOutcome();
    }

    private BannerState BannerFor(System.Net.IPAddress address)
    {
        var until = windows.OpenUntil(ServiceNames.Webmail, address);
        var now = time.GetUtcNow();
        var remaining = until is { } u && u > now ? (int)Math.Ceiling((u - now).TotalSeconds) : 0;
        var canExtend = sessions.Tracker.ForAddress(address).Count > 0;
        return new BannerState(remaining > 0, remaining, canExtend);
    }

    /// <summary>An enforced or a report-only policy: either would object to (or report) the banner's inline code.</summary>
    internal static bool HasContentSecurityPolicy(HttpResponse response)
        => response.Headers.ContentSecurityPolicy.Count > 0 || response.Headers.ContentSecurityPolicyReportOnly.Count > 0;
}
