using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using WebKnock.Proxy.Body;
using static WebKnock.Tests.Proxy.Body.BodyPipeline;

namespace WebKnock.Tests.Proxy.Body;

public class ResponseBodyRewriterTests
{
    private static readonly byte[] Page = Encoding.ASCII.GetBytes("<html><body><p>Inbox</p></body></html>");
    private static readonly string Injected = "<html><body><p>Inbox</p>" + Banner + "</body></html>";
    private static readonly byte[] Marker = Encoding.ASCII.GetBytes("<!-- logout_error -->");

    [Fact]
    public async Task Pass_through_keeps_bytes_and_headers_identical()
    {
        var pipeline = new BodyPipeline();

        var outcome = await pipeline.RunAsync(BodyPlan.PassThrough, Writes(Page, 5, r =>
        {
            r.ContentType = "text/html";
            r.ContentLength = Page.Length;
        }));

        Assert.Equal(Page, pipeline.Body.ToArray());
        Assert.Equal(Page.Length, pipeline.Context.Response.ContentLength);
        Assert.False(outcome.Injected || outcome.MarkerSeen || outcome.Decoded);
        Assert.Equal(1, pipeline.PlannerCalls);
    }

    [Fact]
    public async Task Injection_goes_before_body_end_and_drops_content_length()
    {
        var pipeline = new BodyPipeline();

        var outcome = await pipeline.RunAsync(Inject, Writes(Page, 3, r => r.ContentLength = Page.Length));

        Assert.Equal(Injected, pipeline.Text);
        Assert.Null(pipeline.Context.Response.ContentLength);
        Assert.True(outcome.Injected);
        Assert.False(outcome.Decoded);
        Assert.Equal(1, pipeline.PlannerCalls);
    }

    [Theory]
    [InlineData("<p>Unknown user or password incorrect.</p><!-- logout_error --></body>", true)]
    [InlineData("<p>Inbox</p></body>", false)]
    public async Task Marker_alone_is_reported_and_changes_nothing(string html, bool seen)
    {
        var page = Encoding.ASCII.GetBytes(html);
        var pipeline = new BodyPipeline();

        var outcome = await pipeline.RunAsync(new BodyPlan(null, Marker), Writes(page, 4, r => r.ContentLength = page.Length));

        Assert.Equal(page, pipeline.Body.ToArray());
        Assert.Equal(page.Length, pipeline.Context.Response.ContentLength);
        Assert.Equal(seen, outcome.MarkerSeen);
        Assert.False(outcome.Injected);
    }

    [Fact]
    public async Task Injection_and_marker_together()
    {
        var page = Encoding.ASCII.GetBytes("<body>Bad login<!-- logout_error --></body>");
        var pipeline = new BodyPipeline();

        var outcome = await pipeline.RunAsync(new BodyPlan(BannerBytes, Marker), Writes(page, 1));

        Assert.True(outcome.Injected);
        Assert.True(outcome.MarkerSeen);
        Assert.Equal("<body>Bad login<!-- logout_error -->" + Banner + "</body>", pipeline.Text);
    }

    [Theory]
    [InlineData("HEAD", 200)]
    [InlineData("GET", 304)]
    [InlineData("GET", 204)]
    [InlineData("GET", 206)]
    [InlineData("GET", 103)]
    public async Task Responses_without_a_rewritable_body_pass_through(string method, int status)
    {
        var pipeline = new BodyPipeline(method);

        var outcome = await pipeline.RunAsync(new BodyPlan(BannerBytes, Marker), Writes(Page, 7, r =>
        {
            r.StatusCode = status;
            r.ContentLength = Page.Length;
        }));

        Assert.Equal(Page, pipeline.Body.ToArray());
        Assert.Equal(Page.Length, pipeline.Context.Response.ContentLength);
        Assert.False(outcome.Injected || outcome.MarkerSeen);
        Assert.Equal(1, pipeline.PlannerCalls);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Empty_body_changes_no_header(bool zeroLength)
    {
        var pipeline = new BodyPipeline();

        var outcome = await pipeline.RunAsync(Inject, context =>
        {
            context.Response.ContentLength = zeroLength ? 0 : null;
            context.Response.Headers.ContentEncoding = "gzip";
            return zeroLength ? context.Response.Body.WriteAsync(Array.Empty<byte>()).AsTask() : Task.CompletedTask;
        });

        Assert.Equal(0, pipeline.Body.Length);
        Assert.Equal(zeroLength ? 0 : null, pipeline.Context.Response.ContentLength);
        Assert.Equal("gzip", pipeline.Context.Response.Headers.ContentEncoding);
        Assert.False(outcome.Injected);
        Assert.Equal(1, pipeline.PlannerCalls);
    }

    [Fact]
    public async Task Planner_sees_the_final_headers_and_runs_once()
    {
        var pipeline = new BodyPipeline();
        int? seenStatus = null;
        string? seenType = null;

        await pipeline.RunAsync(context =>
        {
            seenStatus = context.Response.StatusCode;
            seenType = context.Response.ContentType;
            return Inject;
        }, async context =>
        {
            context.Response.StatusCode = 401;
            context.Response.ContentType = "text/html; charset=iso-8859-1";
            await context.Response.Body.WriteAsync(Page.AsMemory(0, 10));
            await context.Response.Body.FlushAsync();
            await context.Response.BodyWriter.WriteAsync(Page.AsMemory(10));
        });

        Assert.Equal(401, seenStatus);
        Assert.Equal("text/html; charset=iso-8859-1", seenType);
        Assert.Equal(1, pipeline.PlannerCalls);
        Assert.Equal(Injected, pipeline.Text);
    }

    [Fact]
    public async Task Other_content_coding_passes_through_untouched()
    {
        var pipeline = new BodyPipeline();

        var outcome = await pipeline.RunAsync(new BodyPlan(BannerBytes, Marker), Writes(Page, 9, r =>
        {
            r.Headers.ContentEncoding = "zstd";
            r.ContentLength = Page.Length;
        }));

        Assert.Equal(Page, pipeline.Body.ToArray());
        Assert.Equal("zstd", pipeline.Context.Response.Headers.ContentEncoding);
        Assert.Equal(Page.Length, pipeline.Context.Response.ContentLength);
        Assert.False(outcome.Injected || outcome.Decoded);
    }

    [Fact]
    public async Task Original_feature_is_restored_even_when_the_app_fails()
    {
        var pipeline = new BodyPipeline();

        await Assert.ThrowsAsync<InvalidOperationException>(() => pipeline.RunAsync(Inject, async context =>
        {
            Assert.IsType<RewritingBodyFeature>(context.Features.Get<IHttpResponseBodyFeature>());
            await context.Response.Body.WriteAsync(Page.AsMemory(0, 30));
            throw new InvalidOperationException("upstream failed");
        }));

        Assert.Same(pipeline.ServerFeature, pipeline.Context.Features.Get<IHttpResponseBodyFeature>());
    }
}
