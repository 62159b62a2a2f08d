using System.IO.Compression;
using System.Text;

namespace SquirrelMailFixture;

/// <summary>Bodies of the <c>/fixture/</c> test endpoints; fixed bytes, exposed so tests can compare them.</summary>
public static class FixtureContent
{
    public const int BigHtmlChunkSize = 16 * 1024;

    private const string Head = "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>{0}</title>\n</head>\n<body>\n";
    private const string Tail = "</body>\n</html>\n";

    /// <summary>A small JSON document (/fixture/json).</summary>
    public static ReadOnlyMemory<byte> Json { get; } =
        Encoding.UTF8.GetBytes("{\"status\":\"ok\",\"folders\":[\"INBOX\",\"Drafts\",\"Sent\",\"Trash\"],\"unseen\":2}");

    /// <summary>Exactly 1 KiB of ASCII text (/fixture/1k).</summary>
    public static ReadOnlyMemory<byte> OneK { get; } = Encoding.ASCII.GetBytes(Filler(1024, html: false));

    /// <summary>Exactly 30 KiB of HTML with <c>&lt;/body&gt;</c> in its last 20 bytes (/fixture/html30k).</summary>
    public static ReadOnlyMemory<byte> Html30K { get; } = Encoding.ASCII.GetBytes(HtmlPage("30 KiB page", 30 * 1024));

    /// <summary>The uncompressed page behind /fixture/gzip-html.</summary>
    public static ReadOnlyMemory<byte> GzipHtmlPlain { get; } = Encoding.ASCII.GetBytes(HtmlPage("Compressed page", 12 * 1024));

    /// <summary>The gzip bytes /fixture/gzip-html sends.</summary>
    public static ReadOnlyMemory<byte> GzipHtmlCompressed { get; } = Gzip(GzipHtmlPlain.Span);

    /// <summary>The two writes of /fixture/split-body; <c>&lt;/body&gt;</c> straddles them.</summary>
    public static IReadOnlyList<ReadOnlyMemory<byte>> SplitBodyParts { get; } =
    [
        Encoding.ASCII.GetBytes(string.Format(Head, "Split body") + "<p>The closing body tag is split across two writes.</p>\n</bo"),
        Encoding.ASCII.GetBytes("dy></html>\n"),
    ];

    /// <summary>The first bytes of /fixture/big-html.</summary>
    public static string BigHtmlHead => string.Format(Head, "Big page");

    /// <summary>The last bytes of /fixture/big-html.</summary>
    public static string BigHtmlTail => Tail;

    /// <summary>
    /// The body of /fixture/big-html?mb=N: exactly N MiB (at least head and tail), as 16 KiB pieces.
    /// Deterministic, so a test can hash the expected stream.
    /// </summary>
    public static IEnumerable<ReadOnlyMemory<byte>> BigHtmlChunks(int mebibytes)
    {
        byte[] head = Encoding.ASCII.GetBytes(BigHtmlHead);
        byte[] tail = Encoding.ASCII.GetBytes(Tail);
        long remaining = Math.Max(0L, (long)mebibytes * 1024 * 1024 - head.Length - tail.Length);
        byte[] filler = Encoding.ASCII.GetBytes(Filler(BigHtmlChunkSize));

        yield return head;
        while (remaining > 0)
        {
            int count = (int)Math.Min(filler.Length, remaining);
            yield return filler.AsMemory(0, count);
            remaining -= count;
        }

        yield return tail;
    }

    /// <summary>A page of exactly <paramref name="length"/> bytes (when long enough) ending with the tail.</summary>
    private static string HtmlPage(string title, int length)
    {
        string head = string.Format(Head, title);
        int fill = Math.Max(0, length - head.Length - Tail.Length);
        return head + Filler(fill) + Tail;
    }

    /// <summary>Lines of 64 bytes (<c>&lt;p&gt;...&lt;/p&gt;\n</c> or plain), cut to the exact length with spaces.</summary>
    private static string Filler(int length, bool html = true)
    {
        (string open, string close) = html ? ("<p>", "</p>\n") : ("", "\n");
        var text = new StringBuilder(length + 64);
        for (int line = 0; text.Length + 64 <= length; line++)
        {
            string content = $"Line {line:D6} of filler text for the WebKnock fixture.";
            text.Append(open).Append(content.PadRight(64 - open.Length - close.Length)).Append(close);
        }

        return text.Append(' ', length - text.Length).ToString();
    }

    private static byte[] Gzip(ReadOnlySpan<byte> plain)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(plain);
        }

        return output.ToArray();
    }
}
