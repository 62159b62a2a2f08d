using System.IO.Compression;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using WebKnock.Proxy.Body;
using static WebKnock.Tests.Proxy.Body.BodyPipeline;

namespace WebKnock.Tests.Proxy.Body;

/// <summary>The rewriter inside a real (in-memory) server pipeline, reached over HTTP.</summary>
public class ResponseBodyRewriterServerTests
{
    private static readonly byte[] Page = Html.Page(300_000);

    [Fact]
    public async Task Html_gets_the_banner_and_loses_its_length()
    {
        await using var app = await StartAsync(Inject, async context =>
        {
            context.Response.ContentType = "text/html";
            context.Response.ContentLength = Page.Length;
            await context.Response.Body.WriteAsync(Page);
        });

        // Read the headers before the body: a buffered HttpContent computes its own length.
        using var response = await app.GetTestClient().GetAsync("/", HttpCompletionOption.ResponseHeadersRead);
        Assert.Null(response.Content.Headers.ContentLength);
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(Page.Length + BannerBytes.Length, body.Length);
        Assert.EndsWith(Banner + Html.End, Encoding.Latin1.GetString(body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gzip_written_through_the_body_writer_is_decoded()
    {
        var compressed = ContentDecoderTests.Compress("gzip", Page);
        await using var app = await StartAsync(Inject, async context =>
        {
            context.Response.Headers.ContentEncoding = "gzip";
            foreach (var chunk in compressed.Chunk(8192))
            {
                await context.Response.BodyWriter.WriteAsync(chunk);
            }
        });

        using var response = await app.GetTestClient().GetAsync("/");
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Empty(response.Content.Headers.ContentEncoding);
        Assert.Equal(1, Count(Encoding.Latin1.GetString(body), Banner));
        Assert.Equal(Page.Length + BannerBytes.Length, body.Length);
    }

    [Fact]
    public async Task Pass_through_is_byte_identical_with_its_length()
    {
        var compressed = ContentDecoderTests.Compress("gzip", Page);
        await using var app = await StartAsync(BodyPlan.PassThrough, async context =>
        {
            context.Response.Headers.ContentEncoding = "gzip";
            context.Response.ContentLength = compressed.Length;
            await context.Response.Body.WriteAsync(compressed);
        });

        using var response = await app.GetTestClient().GetAsync("/", HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(compressed.Length, response.Content.Headers.ContentLength);
        Assert.Equal(["gzip"], response.Content.Headers.ContentEncoding);
        Assert.Equal(compressed, await response.Content.ReadAsByteArrayAsync());
    }

    private static async Task<WebApplication> StartAsync(BodyPlan plan, RequestDelegate endpoint)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        var app = builder.Build();
        app.Use((context, next) => ResponseBodyRewriter.InvokeAsync(context, _ => plan, _ => next(context)));
        app.Run(endpoint);
        await app.StartAsync();
        return app;
    }
}
