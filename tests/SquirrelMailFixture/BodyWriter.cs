using System.Text;

namespace SquirrelMailFixture;

/// <summary>Writes response bodies the way PHP under Apache does: headers first, then chunks.</summary>
internal static class BodyWriter
{
    /// <summary>Size of each write; every write after the headers is a separate chunk on the wire.</summary>
    public const int ChunkSize = 8 * 1024;

    public const string HtmlLatin1 = "text/html; charset=iso-8859-1";

    /// <summary>Encodes a page as iso-8859-1 (like SquirrelMail's default) and streams it without Content-Length.</summary>
    public static Task Latin1HtmlAsync(HttpContext context, string html)
    {
        context.Response.ContentType = HtmlLatin1;
        return ChunkedAsync(context, Encoding.Latin1.GetBytes(html));
    }

    /// <summary>Streams bytes in <see cref="ChunkSize"/> writes without Content-Length (chunked encoding).</summary>
    public static async Task ChunkedAsync(HttpContext context, ReadOnlyMemory<byte> body)
    {
        HttpResponse response = context.Response;
        response.ContentLength = null;
        await response.StartAsync(context.RequestAborted);
        for (int offset = 0; offset < body.Length; offset += ChunkSize)
        {
            int count = Math.Min(ChunkSize, body.Length - offset);
            await response.Body.WriteAsync(body.Slice(offset, count), context.RequestAborted);
        }
    }

    /// <summary>Writes a complete body with a Content-Length, like a static file.</summary>
    public static Task WholeAsync(HttpContext context, string contentType, ReadOnlyMemory<byte> body)
    {
        context.Response.ContentType = contentType;
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }

    /// <summary>PHP's session cache limiter "nocache" and SquirrelMail's anti-framing header.</summary>
    public static void SessionPageHeaders(HttpResponse response)
    {
        response.Headers.Expires = "Thu, 19 Nov 1981 08:52:00 GMT";
        response.Headers.CacheControl = "no-store, no-cache, must-revalidate";
        response.Headers.Pragma = "no-cache";
        response.Headers.XFrameOptions = "SAMEORIGIN";
    }
}
