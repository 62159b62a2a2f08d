using System.Text;
using Microsoft.AspNetCore.Http.Features;
using WebKnock.Proxy.Body;
using static WebKnock.Tests.Proxy.Body.BodyPipeline;

namespace WebKnock.Tests.Proxy.Body;

public class ResponseBodyRewriterCompressionTests
{
    private static readonly byte[] Marker = Encoding.ASCII.GetBytes("<!-- logout_error -->");

    [Theory]
    [InlineData("gzip", "gzip")]
    [InlineData("x-gzip", "gzip")]
    [InlineData("deflate", "zlib")]
    [InlineData("deflate", "raw-deflate")]
    [InlineData("br", "br")]
    public async Task Compressed_page_is_decoded_and_gets_one_banner(string contentEncoding, string format)
    {
        var page = Html.Page(100_000);
        var compressed = ContentDecoderTests.Compress(format, page);
        var pipeline = new BodyPipeline();

        var outcome = await pipeline.RunAsync(Inject, Writes(compressed, 1000, r =>
        {
            r.Headers.ContentEncoding = contentEncoding;
            r.ContentLength = compressed.Length;
        }));

        var expected = Encoding.Latin1.GetString(page).Replace(Html.End, Banner + Html.End);
        Assert.Equal(expected, pipeline.Text);
        Assert.Equal(1, Count(pipeline.Text, Banner));
        Assert.False(pipeline.Context.Response.Headers.ContainsKey("Content-Encoding"));
        Assert.Null(pipeline.Context.Response.ContentLength);
        Assert.True(outcome.Injected);
        Assert.True(outcome.Decoded);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Marker_in_a_compressed_page_is_seen_after_decoding(bool present)
    {
        var page = Html.Page(50_000, present ? "<!-- logout_error --></body></html>" : Html.End);
        var compressed = ContentDecoderTests.Compress("gzip", page);
        var pipeline = new BodyPipeline();

        var outcome = await pipeline.RunAsync(new BodyPlan(null, Marker), Writes(compressed, 10, r =>
        {
            r.Headers.ContentEncoding = "gzip";
            r.ContentLength = compressed.Length;
        }));

        Assert.Equal(present, outcome.MarkerSeen);
        Assert.Equal(page, pipeline.Body.ToArray());
        Assert.False(pipeline.Context.Response.Headers.ContainsKey("Content-Encoding"));
        Assert.Null(pipeline.Context.Response.ContentLength);
        Assert.False(outcome.Injected);
        Assert.True(outcome.Decoded);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("HEAD")]
    public async Task Compressed_page_without_a_plan_or_for_head_stays_compressed(string method)
    {
        var compressed = ContentDecoderTests.Compress("gzip", Html.Page(20_000));
        var pipeline = new BodyPipeline(method);
        var plan = method == "GET" ? BodyPlan.PassThrough : Inject;

        var outcome = await pipeline.RunAsync(plan, Writes(compressed, 999, r =>
        {
            r.Headers.ContentEncoding = "gzip";
            r.ContentLength = compressed.Length;
        }));

        Assert.Equal(compressed, pipeline.Body.ToArray());
        Assert.Equal("gzip", pipeline.Context.Response.Headers.ContentEncoding);
        Assert.Equal(compressed.Length, pipeline.Context.Response.ContentLength);
        Assert.False(outcome.Decoded);
    }

    [Fact]
    public async Task Corrupt_compressed_body_fails_the_response()
    {
        var pipeline = new BodyPipeline();
        var garbage = Encoding.ASCII.GetBytes("this is not gzip at all, just text pretending to be");

        await Assert.ThrowsAsync<InvalidDataException>(() => pipeline.RunAsync(Inject, Writes(garbage, 7, r => r.Headers.ContentEncoding = "gzip")));

        Assert.Same(pipeline.ServerFeature, pipeline.Context.Features.Get<IHttpResponseBodyFeature>());
    }
}
