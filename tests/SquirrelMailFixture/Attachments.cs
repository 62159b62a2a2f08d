using System.Text;

namespace SquirrelMailFixture;

/// <summary>
/// The exact bytes download.php serves, so tests can check that a proxy passes them unchanged
/// (compare SHA-256). Deterministic across runs and machines.
/// </summary>
public static class Attachments
{
    public const string HtmlReportName = "report.html";
    public const string HtmlReportType = "text/html";
    public const string BinaryName = "data.bin";
    public const string BinaryType = "application/octet-stream";
    public const int BinaryLength = 300 * 1024;

    private static readonly byte[] s_htmlReport = Encoding.UTF8.GetBytes(BuildHtmlReport());
    private static readonly byte[] s_binary = BuildBinary(BinaryLength, seed: 0x5EED_C0FF_EE15_F00DUL);

    /// <summary>An HTML attachment (UTF-8, with a non-ASCII character and its own <c>&lt;/body&gt;</c>).</summary>
    public static ReadOnlyMemory<byte> HtmlReportBytes => s_htmlReport;

    /// <summary>300 KiB of pseudo-random bytes (xorshift64*, fixed seed).</summary>
    public static ReadOnlyMemory<byte> BinaryBytes => s_binary;

    private static string BuildHtmlReport()
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n");
        html.Append("<title>Quarterly report</title>\n</head>\n<body>\n<h1>Quarterly report</h1>\n");
        html.Append("<p>Budget: 12\u202F000 \u20AC \u2014 na\u00EFve caf\u00E9 figures.</p>\n<table>\n");
        for (int row = 1; row <= 40; row++)
        {
            html.Append("<tr><td>Item ").Append(row).Append("</td><td>")
                .Append(row * 37 % 1000).Append("</td></tr>\n");
        }

        html.Append("</table>\n<script>document.title += ' (attachment)';</script>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static byte[] BuildBinary(int length, ulong seed)
    {
        var bytes = new byte[length];
        ulong state = seed;
        for (int i = 0; i < length; i += 8)
        {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            ulong value = state * 0x2545F4914F6CDD1DUL;
            for (int b = 0; b < 8 && i + b < length; b++)
            {
                bytes[i + b] = (byte)(value >> (8 * b));
            }
        }

        return bytes;
    }
}
