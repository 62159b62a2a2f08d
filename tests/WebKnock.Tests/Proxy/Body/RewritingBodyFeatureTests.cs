using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using WebKnock.Proxy.Body;
using static WebKnock.Tests.Proxy.Body.BodyPipeline;

namespace WebKnock.Tests.Proxy.Body;

/// <summary>Every way of writing a response body goes through the rewriting.</summary>
public class RewritingBodyFeatureTests
{
    private static readonly byte[] Page = Encoding.ASCII.GetBytes("<html><body><p>Inbox</p></body></html>");
    private static readonly string Injected = "<html><body><p>Inbox</p>" + Banner + "</body></html>";

    [Fact]
    public async Task Body_writer_without_flush_is_rewritten_at_the_end()
    {
        var pipeline = new BodyPipeline();

        var outcome = await pipeline.RunAsync(Inject, context =>
        {
            var writer = context.Response.BodyWriter;
            Page.AsSpan(0, 29).CopyTo(writer.GetSpan(29));
            writer.Advance(29);
            Page.AsSpan(29).CopyTo(writer.GetSpan(Page.Length - 29));
            writer.Advance(Page.Length - 29);
            return Task.CompletedTask;
        });

        Assert.Equal(Injected, pipeline.Text);
        Assert.True(outcome.Injected);
        Assert.Equal(1, pipeline.PlannerCalls);
    }

    [Fact]
    public async Task Body_writer_in_pass_through_keeps_everything()
    {
        var pipeline = new BodyPipeline();

        await pipeline.RunAsync(BodyPlan.PassThrough, async context =>
        {
            context.Response.ContentLength = Page.Length;
            await context.Response.BodyWriter.WriteAsync(Page.AsMemory(0, 20));
            await context.Response.Body.WriteAsync(Page.AsMemory(20));
        });

        Assert.Equal(Page, pipeline.Body.ToArray());
        Assert.Equal(Page.Length, pipeline.Context.Response.ContentLength);
    }

    [Fact]
    public async Task Start_decides_with_the_headers_of_that_moment()
    {
        var pipeline = new BodyPipeline();

        await pipeline.RunAsync(Inject, async context =>
        {
            context.Response.ContentLength = Page.Length;
            await context.Response.StartAsync();
            Assert.Equal(1, pipeline.PlannerCalls);
            Assert.Null(context.Response.ContentLength);
            await context.Response.Body.WriteAsync(Page);
        });

        Assert.Equal(Injected, pipeline.Text);
        Assert.Equal(1, pipeline.PlannerCalls);
    }

    [Fact]
    public async Task Complete_releases_the_held_tail_with_the_injection()
    {
        var pipeline = new BodyPipeline();

        await pipeline.RunAsync(Inject, async context =>
        {
            await context.Response.Body.WriteAsync(Page);
            await context.Response.CompleteAsync();
            Assert.Equal(Injected, pipeline.Text);
        });

        Assert.Equal(Injected, pipeline.Text);
    }

    [Fact]
    public async Task Complete_without_a_body_changes_nothing()
    {
        var pipeline = new BodyPipeline();

        var outcome = await pipeline.RunAsync(Inject, async context =>
        {
            context.Response.ContentLength = 0;
            await context.Response.CompleteAsync();
        });

        Assert.Equal(0, pipeline.Body.Length);
        Assert.Equal(0, pipeline.Context.Response.ContentLength);
        Assert.False(outcome.Injected);
        Assert.Equal(1, pipeline.PlannerCalls);
    }

    [Theory]
    [InlineData(0, null)]
    [InlineData(6, 20L)]
    [InlineData(6, null)]
    public async Task Send_file_is_rewritten(int offset, long? count)
    {
        var path = Path.GetTempFileName();
        try
        {
            var file = Encoding.ASCII.GetBytes("skip!").Concat(Page).ToArray();
            await File.WriteAllBytesAsync(path, file);
            var pipeline = new BodyPipeline();

            await pipeline.RunAsync(Inject, context => context.Response.SendFileAsync(path, offset, count));

            var sent = Encoding.ASCII.GetString(file, offset, (int)(count ?? file.Length - offset));
            var expected = sent.Contains("</body>", StringComparison.Ordinal) ? sent.Replace("</body>", Banner + "</body>") : sent;
            Assert.Equal(expected, pipeline.Text);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Synchronous_writes_are_rewritten_when_allowed()
    {
        var pipeline = new BodyPipeline();

        await pipeline.RunAsync(Inject, context =>
        {
            foreach (var b in Page)
            {
                context.Response.Body.WriteByte(b);
            }

            context.Response.Body.Flush();
            return Task.CompletedTask;
        });

        Assert.Equal(Injected, pipeline.Text);
    }

    [Fact]
    public async Task Synchronous_writes_are_refused_when_the_server_disallows_them()
    {
        var pipeline = new BodyPipeline();
        pipeline.Context.Features.Set<IHttpBodyControlFeature>(new BodyControl());

        await Assert.ThrowsAsync<InvalidOperationException>(() => pipeline.RunAsync(Inject, context =>
        {
            context.Response.Body.Write(Page);
            return Task.CompletedTask;
        }));
    }

    [Fact]
    public async Task Disable_buffering_reaches_the_server()
    {
        var pipeline = new BodyPipeline();
        var server = new RecordingBodyFeature(pipeline.ServerFeature);
        pipeline.Context.Features.Set<IHttpResponseBodyFeature>(server);

        await pipeline.RunAsync(Inject, Writes(Page, 8, r => r.HttpContext.Features.Get<IHttpResponseBodyFeature>()!.DisableBuffering()));

        Assert.True(server.BufferingDisabled);
        Assert.Equal(Injected, pipeline.Text);
    }

    [Theory]
    [InlineData("async")]
    [InlineData("sync")]
    [InlineData("flush")]
    public async Task First_write_starts_the_server_response_even_when_everything_is_held(string how)
    {
        var pipeline = new BodyPipeline();
        var server = new RecordingBodyFeature(pipeline.ServerFeature);
        pipeline.Context.Features.Set<IHttpResponseBodyFeature>(server);

        await pipeline.RunAsync(Inject, async context =>
        {
            switch (how)
            {
                case "async":
                    await context.Response.Body.WriteAsync("</body>"u8.ToArray());
                    break;
                case "sync":
                    context.Response.Body.Write("</body>"u8);
                    break;
                default:
                    await context.Response.Body.FlushAsync();
                    await context.Response.Body.WriteAsync("</body>"u8.ToArray());
                    break;
            }

            Assert.Equal(1, server.Starts);
            Assert.Equal(0, pipeline.Body.Length);
        });

        Assert.Equal(Banner + "</body>", pipeline.Text);
    }
}
