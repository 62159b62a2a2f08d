// TEMPORARY: replaced by the streaming rewriter from the wip-banner branch.
namespace WebKnock.Proxy.Body;

internal sealed record BodyPlan(byte[]? Injection, byte[]? WatchMarker)
{
    public static BodyPlan PassThrough { get; } = new(null, null);
}

internal sealed class BodyOutcome
{
    public bool Injected { get; set; }
    public bool MarkerSeen { get; set; }
}

internal static class ResponseBodyRewriter
{
    public static async Task<BodyOutcome> InvokeAsync(HttpContext context, Func<HttpContext, BodyPlan> planner, RequestDelegate next)
    {
        await next(context);
        planner(context);
        return new BodyOutcome();
    }
}
