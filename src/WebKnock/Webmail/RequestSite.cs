namespace WebKnock.Webmail;

/// <summary>
/// Whether a request came from a page of another site or origin, as the browser says: <c>Sec-Fetch-Site:
/// cross-site</c>, or an <c>Origin</c> that is not the gateway's own: another scheme, host or port than the request
/// was sent to (<c>Origin: null</c>, from sandboxed frames and some redirects, included). A request with neither
/// header (an older browser, a script) is not foreign. The gateway's own origin is the one its requests arrive at:
/// a proxy in front must connect over HTTPS and pass the browser's Host header on.
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

        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || !request.Host.HasValue)
        {
            return true;
        }

        var ownPort = request.Host.Port ?? (request.IsHttps ? 443 : 80);
        return !uri.Scheme.Equals(request.Scheme, StringComparison.OrdinalIgnoreCase)
            || !uri.Host.Equals(request.Host.Host, StringComparison.OrdinalIgnoreCase)
            || uri.Port != ownPort;
    }
}
