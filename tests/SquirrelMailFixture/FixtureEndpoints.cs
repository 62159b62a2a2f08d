using System.Globalization;

namespace SquirrelMailFixture;

/// <summary>Test endpoints under <c>/fixture/</c>: not SquirrelMail, bodies of known shapes for tests and benchmarks.</summary>
internal static class FixtureEndpoints
{
    public const int MaxBigHtmlMebibytes = 4096;

    public static void Map(IEndpointRouteBuilder routes, SessionStore store)
    {
        RouteGroupBuilder fixture = routes.MapGroup("/fixture");
        fixture.MapGet("/json", context => BodyWriter.WholeAsync(context, "application/json", FixtureContent.Json));
        fixture.MapGet("/1k", context => BodyWriter.WholeAsync(context, "text/plain; charset=utf-8", FixtureContent.OneK));
        fixture.MapGet("/html30k", context => BodyWriter.WholeAsync(context, "text/html; charset=utf-8", FixtureContent.Html30K));
        fixture.MapGet("/big-html", BigHtml);
        fixture.MapGet("/gzip-html", GzipHtml);
        fixture.MapGet("/split-body", SplitBody);
        fixture.MapGet("/attachment-html", context => SquirrelMailEndpoints.WriteAttachmentAsync(
            context, Mailbox.FindAttachment(2, "2")!, absolute: false));
        fixture.MapGet("/attachment-bin", context => SquirrelMailEndpoints.WriteAttachmentAsync(
            context, Mailbox.FindAttachment(2, "3")!, absolute: true));
        fixture.MapGet("/state", context => State(context, store));
    }

    /// <summary>/fixture/big-html?mb=N: N MiB of HTML streamed in 16 KiB writes, <c>&lt;/body&gt;</c> at the end.</summary>
    private static async Task BigHtml(HttpContext context)
    {
        string? mb = context.Request.Query["mb"];
        int mebibytes = 1;
        if (mb is not null && (!int.TryParse(mb, NumberStyles.None, CultureInfo.InvariantCulture, out mebibytes)
            || mebibytes > MaxBigHtmlMebibytes))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync($"mb must be an integer from 0 to {MaxBigHtmlMebibytes}\n", context.RequestAborted);
            return;
        }

        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.StartAsync(context.RequestAborted);
        foreach (ReadOnlyMemory<byte> chunk in FixtureContent.BigHtmlChunks(mebibytes))
        {
            await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
        }
    }

    /// <summary>/fixture/gzip-html: compressed whatever Accept-Encoding says, chunked, as Apache's mod_deflate does.</summary>
    private static Task GzipHtml(HttpContext context)
    {
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.ContentEncoding = "gzip";
        context.Response.Headers.Vary = "Accept-Encoding";
        return BodyWriter.ChunkedAsync(context, FixtureContent.GzipHtmlCompressed);
    }

    /// <summary>/fixture/split-body: <c>&lt;/bo</c>, a flush and a short pause, then <c>dy&gt;&lt;/html&gt;</c>.</summary>
    private static async Task SplitBody(HttpContext context)
    {
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.StartAsync(context.RequestAborted);
        IReadOnlyList<ReadOnlyMemory<byte>> parts = FixtureContent.SplitBodyParts;
        for (int i = 0; i < parts.Count; i++)
        {
            if (i > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), context.RequestAborted);
            }

            await context.Response.Body.WriteAsync(parts[i], context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }
    }

    /// <summary>/fixture/state: live sessions and the login log, for people running the fixture by hand.</summary>
    private static Task State(HttpContext context, SessionStore store) =>
        context.Response.WriteAsJsonAsync(new
        {
            liveSessions = store.LiveSessions.Select(s => new { s.Id, s.User, s.LastAccess }),
            logins = store.Logins,
            signOuts = store.SignOutCount,
        }, context.RequestAborted);
}
