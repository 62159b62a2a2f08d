using System.Text;

namespace WebKnock.Tests.Proxy.Body;

/// <summary>Test pages: deterministic, poorly compressible HTML of a given size.</summary>
internal static class Html
{
    public const string End = "</body></html>";

    /// <summary>A page of exactly <paramref name="size"/> bytes ending with <see cref="End"/>.</summary>
    public static byte[] Page(int size, string end = End)
    {
        const string start = "<html><head><title>t</title></head><body>";
        var random = new Random(size);
        var page = new byte[size];
        Encoding.ASCII.GetBytes(start).CopyTo(page, 0);
        for (int i = start.Length; i < size - end.Length; i++)
        {
            // Letters, spaces and newlines, never '<': no tag but the ones placed on purpose.
            int r = random.Next(60);
            page[i] = r < 52 ? (byte)"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"[r] : r < 59 ? (byte)' ' : (byte)'\n';
        }

        Encoding.ASCII.GetBytes(end).CopyTo(page, size - end.Length);
        return page;
    }
}
