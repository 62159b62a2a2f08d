using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using WebKnock.Proxy.Body;

namespace WebKnock.Tests.Proxy.Body;

/// <summary>
/// A minimal in-memory pipeline around <see cref="ResponseBodyRewriter"/>: a DefaultHttpContext whose
/// server-side body is a MemoryStream, and a planner that counts its calls.
/// </summary>
internal sealed class BodyPipeline
{
    public const string Banner = "<div id=\"webknock\">04:59</div>";
    public static readonly byte[] BannerBytes = Encoding.ASCII.GetBytes(Banner);
    public static readonly BodyPlan Inject = new(BannerBytes, null);

    public BodyPipeline(string method = "GET")
    {
        Context.Request.Method = method;
        ServerFeature = new StreamResponseBodyFeature(Body);
        Context.Features.Set<IHttpResponseBodyFeature>(ServerFeature);
    }

    public DefaultHttpContext Context { get; } = new();

    /// <summary>What reached the "server".</summary>
    public MemoryStream Body { get; } = new();

    public IHttpResponseBodyFeature ServerFeature { get; }

    public int PlannerCalls { get; private set; }

    public string Text => Encoding.Latin1.GetString(Body.ToArray());

    public Task<BodyOutcome> RunAsync(BodyPlan plan, RequestDelegate app) =>
        RunAsync(_ => plan, app);

    public Task<BodyOutcome> RunAsync(Func<HttpContext, BodyPlan> planner, RequestDelegate app) =>
        ResponseBodyRewriter.InvokeAsync(Context, context =>
        {
            PlannerCalls++;
            return planner(context);
        }, app);

    /// <summary>An app that writes <paramref name="body"/> in pieces of <paramref name="chunkSize"/> bytes.</summary>
    public static RequestDelegate Writes(byte[] body, int chunkSize = 4096, Action<HttpResponse>? headers = null) =>
        async context =>
        {
            headers?.Invoke(context.Response);
            foreach (var chunk in body.Chunk(chunkSize))
            {
                await context.Response.Body.WriteAsync(chunk);
            }
        };

    public static int Count(string text, string value)
    {
        int count = 0;
        for (int at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
