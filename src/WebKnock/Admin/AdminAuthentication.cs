namespace WebKnock.Admin;

/// <summary>The administrators' cookie authentication: its scheme, its cookie, where a sign-in may lead.</summary>
public static class AdminAuthentication
{
    public const string Scheme = "WebKnockAdmin";

    /// <summary>The session cookie. Its path is the admin path, so the webmail upstream never receives it.</summary>
    public const string CookieName = "webknock-admin";

    /// <summary>
    /// The page script's own requests carry this header; they do not renew the sliding session, so a page left
    /// open does not keep its administrator signed in forever.
    /// </summary>
    public const string RefreshHeader = "X-WebKnock-Refresh";

    /// <summary>Where to go after signing in: the requested admin page when it is one (same origin, under the admin path), else the Now page.</summary>
    public static string LocalReturn(string? returnUrl, PathString adminPath)
    {
        var home = adminPath.Value + "/";
        if (string.IsNullOrEmpty(returnUrl) || !returnUrl.StartsWith('/') || returnUrl.StartsWith("//", StringComparison.Ordinal)
            || returnUrl.Contains('\\') || returnUrl.Any(char.IsControl))
        {
            return home;
        }

        var path = returnUrl.Split('?', '#')[0];
        return new PathString(path).StartsWithSegments(adminPath, StringComparison.Ordinal) && !path.Contains("/sign-in", StringComparison.OrdinalIgnoreCase)
            ? returnUrl
            : home;
    }
}
