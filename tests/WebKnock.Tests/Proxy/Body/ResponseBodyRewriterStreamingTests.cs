using System.Text;
using WebKnock.Proxy.Body;
using static WebKnock.Tests.Proxy.Body.BodyPipeline;

namespace WebKnock.Tests.Proxy.Body;

/// <summary>Large pages stream: output keeps pace with input and the hold stays bounded.</summary>
public class ResponseBodyRewriterStreamingTests
{
    private const int Chunk = 16 * 1024;
    private const int Bound = TagInjector.DefaultHoldLimit + 128;

    [Theory]
    [InlineData(8 * 1024 * 1024)]
    [InlineData(20 * 1024 * 1024)]
    public async Task Large_page_streams_with_a_bounded_hold(int size)
    {
        var page = Html.Page(size);
        var pipeline = new BodyPipeline();
        long lag = 0;

        var outcome = await pipeline.RunAsync(Inject, async context =>
        {
            long written = 0;
            foreach (var chunk in page.Chunk(Chunk))
            {
                await context.Response.Body.WriteAsync(chunk);
                written += chunk.Length;
                lag = Math.Max(lag, written - pipeline.Body.Length);
            }
        });

        Assert.InRange(lag, 0, Bound);
        Assert.InRange(outcome.MaxHeldBytes, 1, Bound);
        Assert.True(outcome.Injected);
        Assert.Equal(size + BannerBytes.Length, pipeline.Body.Length);
        Assert.Equal(1, Count(pipeline.Text, Banner));
        Assert.EndsWith(Banner + Html.End, pipeline.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Early_body_end_followed_by_megabytes_is_injected_once_the_bound_is_passed()
    {
        var head = Encoding.ASCII.GetBytes("<html><body>short</body>");
        var page = head.Concat(Html.Page(8 * 1024 * 1024, "</html>")).ToArray();
        var pipeline = new BodyPipeline();

        var outcome = await pipeline.RunAsync(Inject, Writes(page, Chunk));

        Assert.StartsWith("<html><body>short" + Banner + "</body>", pipeline.Text, StringComparison.Ordinal);
        Assert.Equal(1, Count(pipeline.Text, Banner));
        Assert.InRange(outcome.MaxHeldBytes, 1, Bound);
    }

    [Fact]
    public async Task Page_without_body_end_passes_through_unchanged()
    {
        var page = Html.Page(4 * 1024 * 1024, "</html>");
        var pipeline = new BodyPipeline();

        var outcome = await pipeline.RunAsync(Inject, Writes(page, 1000));

        Assert.False(outcome.Injected);
        Assert.Equal(page, pipeline.Body.ToArray());
        Assert.InRange(outcome.MaxHeldBytes, 0, 128);
    }

    [Fact]
    public async Task Large_gzip_page_is_decoded_while_it_is_written()
    {
        var page = Html.Page(8 * 1024 * 1024);
        var compressed = ContentDecoderTests.Compress("gzip", page);
        var pipeline = new BodyPipeline();
        long decodedBeforeEnd = 0;

        var outcome = await pipeline.RunAsync(Inject, async context =>
        {
            context.Response.Headers.ContentEncoding = "gzip";
            foreach (var chunk in compressed.Chunk(Chunk))
            {
                await context.Response.Body.WriteAsync(chunk);
            }

            // The decoder may lag by its bounded pipe, never by the whole page.
            decodedBeforeEnd = pipeline.Body.Length;
        });

        Assert.True(decodedBeforeEnd > page.Length / 2, $"only {decodedBeforeEnd} bytes decoded before the end");
        Assert.True(outcome.Decoded);
        Assert.True(outcome.Injected);
        Assert.InRange(outcome.MaxHeldBytes, 1, Bound);
        Assert.Equal(page.Length + BannerBytes.Length, pipeline.Body.Length);
        Assert.Equal(1, Count(pipeline.Text, Banner));
    }
}
