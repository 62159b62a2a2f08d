using Microsoft.AspNetCore.Http.Features;

namespace WebKnock.Proxy.Body;

/// <summary>
/// Runs the rest of the pipeline with a response body that can be rewritten on the way out:
/// a banner injected before <c>&lt;/body&gt;</c>, a marker watched for, compressed pages decoded.
/// </summary>
internal static class ResponseBodyRewriter
{
    /// <summary>
    /// Calls <paramref name="next"/> with the response body feature swapped for a rewriting one,
    /// and restores the original afterwards. <paramref name="planner"/> is called exactly once,
    /// when the response starts (or when <paramref name="next"/> returns without starting it),
    /// with the response headers final.
    /// </summary>
    /// <returns>What was done to the body.</returns>
    public static async Task<BodyOutcome> InvokeAsync(HttpContext context, Func<HttpContext, BodyPlan> planner, RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(planner);
        ArgumentNullException.ThrowIfNull(next);

        var original = context.Features.Get<IHttpResponseBodyFeature>()
            ?? throw new InvalidOperationException("The server provides no IHttpResponseBodyFeature.");
        await using var feature = new RewritingBodyFeature(context, original, planner);
        context.Features.Set<IHttpResponseBodyFeature>(feature);
        try
        {
            await next(context);
            await feature.FinishAsync();
            return feature.Outcome;
        }
        finally
        {
            context.Features.Set(original);
        }
    }
}
