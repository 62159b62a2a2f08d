namespace WebKnock.Webmail;

/// <summary>
/// Whether a request came from a page of another site, as the browser says: <c>Sec-Fetch-Site: cross-site</c>, or an
/// <c>Origin</c> whose host is not the one the request was sent to (<c>Origin: null</c>, from sandboxed frames and
/// some redirects, included). A request without either header (an older browser, a script) is not foreign.
/// The host name alone is compared: a TLS-terminating proxy in front may change the scheme and the port, never the
/// host name the browser used.
/// </summary>
internal static class RequestSite
{
    public static bool IsForeign(HttpRequest request)
    {
        if (request.Headers["Sec-Fetch-Site"].ToString().Equals("cross-site", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return false;
        }

        return !Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            || !request.Host.HasValue
            || !uri.Host.Equals(request.Host.Host, StringComparison.OrdinalIgnoreCase);
    }
}
