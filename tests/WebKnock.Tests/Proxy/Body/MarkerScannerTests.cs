using System.Text;
using WebKnock.Proxy.Body;

namespace WebKnock.Tests.Proxy.Body;

public class MarkerScannerTests
{
    private const string Marker = "<!-- logout_error -->";

    public static TheoryData<int> SplitPositions()
    {
        var data = new TheoryData<int>();
        for (int split = 0; split <= Marker.Length + 2; split++)
        {
            data.Add(split);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SplitPositions))]
    public void Marker_split_across_two_writes_is_seen(int split)
    {
        var text = "<p>x</p>" + Marker + "</body>";
        int at = 8 + split;

        Assert.True(Scan(text[..at], text[at..]));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(20)]
    [InlineData(21)]
    [InlineData(64)]
    public void Marker_is_seen_in_chunks_of_any_size(int size)
    {
        var text = new string('.', 50) + Marker + new string('.', 50);

        Assert.True(Scan(text.Chunk(size).Select(c => new string(c)).ToArray()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("<html><body>fine</body></html>")]
    [InlineData("<!-- logout_error --")]
    [InlineData("<!-- LOGOUT_ERROR -->")]
    [InlineData("<!-- logout_error  -->")]
    public void Absent_marker_is_not_seen(string text)
    {
        Assert.False(Scan(text));
        Assert.False(Scan(text.Select(c => c.ToString()).ToArray()));
    }

    [Fact]
    public void Partial_marker_in_short_chunks_is_not_completed_by_unrelated_bytes()
    {
        Assert.False(Scan("<!-- log", "out_", "x", "error -->"));
        Assert.True(Scan("<!-- log", "out_", "error -->"));
    }

    [Fact]
    public void One_byte_marker_is_seen()
    {
        var scanner = new MarkerScanner("!"u8.ToArray());
        scanner.Scan("abc"u8);
        Assert.False(scanner.Seen);
        scanner.Scan("d!"u8);
        Assert.True(scanner.Seen);
    }

    private static bool Scan(params string[] chunks)
    {
        var scanner = new MarkerScanner(Encoding.ASCII.GetBytes(Marker));
        foreach (var chunk in chunks)
        {
            scanner.Scan(Encoding.ASCII.GetBytes(chunk));
        }

        return scanner.Seen;
    }
}
