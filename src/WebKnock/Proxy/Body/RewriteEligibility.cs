using Microsoft.Net.Http.Headers;

namespace WebKnock.Proxy.Body;

/// <summary>Whether a response's body may be rewritten, judged from its final headers.</summary>
internal static class RewriteEligibility
{
    /// <summary>
    /// The coding to decode the body from, or null when the body must pass through untouched:
    /// nothing planned, no body (HEAD, 1xx, 204, 304, Content-Length: 0), a byte range (206, whose
    /// offsets must not move) or a content coding that cannot be decoded here.
    /// </summary>
    public static ContentCoding? Evaluate(HttpContext context, BodyPlan plan, bool hasBody)
    {
        if (plan.IsPassThrough || !hasBody || HttpMethods.IsHead(context.Request.Method))
        {
            return null;
        }

        var response = context.Response;
        if (response.StatusCode is < 200 or 204 or 206 or 304 || response.ContentLength == 0)
        {
            return null;
        }

        return ContentDecoder.TryParseCoding(response.Headers.ContentEncoding, out var coding) ? coding : null;
    }

    /// <summary>Fixes the headers for the body about to be sent, before the response starts.</summary>
    public static void PrepareHeaders(HttpResponse response, BodyPlan plan, ContentCoding coding)
    {
        if (coding != ContentCoding.Identity)
        {
            response.Headers.Remove(HeaderNames.ContentEncoding);
            response.ContentLength = null;
        }
        else if (plan.HasInjection)
        {
            response.ContentLength = null;
        }
    }
}
