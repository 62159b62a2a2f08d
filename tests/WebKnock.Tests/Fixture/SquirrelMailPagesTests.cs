using System.Net;
using System.Security.Cryptography;
using System.Text;
using SquirrelMailFixture;

namespace WebKnock.Tests.Fixture;

/// <summary>The fixture's frameset, frames and downloads look like SquirrelMail 1.4.23's (reference/webmail.md).</summary>
public sealed class SquirrelMailPagesTests : FixtureTestBase
{
    [Fact]
    public async Task Webmail_is_a_frameset_without_body_guarded_against_framing()
    {
        string id = await Http.LogInAsync();

        using HttpResponseMessage response = await Http.GetAsync("/squirrelmail/src/webmail.php", id);
        string html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("SAMEORIGIN", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Contains("<frameset", html);
        Assert.DoesNotContain("<body", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<frame src=\"left_main.php\" name=\"left\"", html);
        Assert.Contains("<frame src=\"right_main.php\" name=\"right\"", html);
        Assert.Contains("document.domain != top.document.domain", html);
    }

    [Theory]
    [InlineData("left_main.php", "<meta http-equiv=\"refresh\" content=\"300\">")]
    [InlineData("right_main.php", "read_body.php?mailbox=INBOX&amp;passed_id=2")]
    [InlineData("read_body.php?passed_id=2", "download.php?startMessage=1&amp;passed_id=2&amp;mailbox=INBOX&amp;ent_id=2")]
    [InlineData("printer_friendly_main.php?passed_id=2", "<frameset")]
    [InlineData("read_body.php?passed_id=2", "<a href=\"../src/view_text.php?mailbox=INBOX&amp;passed_id=2&amp;startMessage=1&amp;override_type0=text&amp;override_type1=html&amp;ent_id=2\">View</a>")]
    [InlineData("view_text.php?passed_id=2&ent_id=2", "Viewing a text attachment")]
    [InlineData("addrbook_popup.php", "<frameset")]
    [InlineData("addrbook_search.php?show=form", "target=\"abookres\"")]
    public async Task Mail_pages_need_a_session_and_are_framed_latin1_pages(string page, string expected)
    {
        string id = await Http.LogInAsync("bob", "bob-pw");

        using HttpResponseMessage response = await Http.GetAsync("/squirrelmail/src/" + page, id);
        string html = await response.Content.ReadAsStringAsync();

        Assert.Contains(expected, html);
        Assert.Equal("text/html; charset=iso-8859-1", response.Content.Headers.ContentType?.ToString());
        Assert.Equal("SAMEORIGIN", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Equal(!expected.StartsWith("<frameset", StringComparison.Ordinal), html.Contains("</body>"));
        Assert.DoesNotContain(Marker, html);
    }

    [Fact]
    public async Task Only_the_html_attachment_has_a_view_link_the_binary_one_only_downloads()
    {
        string id = await Http.LogInAsync();

        using HttpResponseMessage response = await Http.GetAsync("/squirrelmail/src/read_body.php?passed_id=2", id);
        string html = await response.Content.ReadAsStringAsync();
        string binaryRow = html[html.IndexOf("data.bin", StringComparison.Ordinal)..];
        binaryRow = binaryRow[..binaryRow.IndexOf("</tr>", StringComparison.Ordinal)];

        Assert.Equal(1, html.Split(">View</a>").Length - 1);
        Assert.Contains("absolute_dl=true\">Download</a>", binaryRow);
        Assert.DoesNotContain("View", binaryRow);
    }

    [Fact]
    public async Task Html_attachment_is_inline_text_html_chunked_and_byte_identical()
    {
        string id = await Http.LogInAsync();

        using HttpResponseMessage response = await Http.GetAsync("/squirrelmail/src/download.php?passed_id=2&ent_id=2", id);
        Assert.Null(response.Content.Headers.ContentLength);
        byte[] body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("inline; filename=\"report.html\"", response.Content.Headers.ContentDisposition?.ToString());
        Assert.True(response.Headers.TransferEncodingChunked);
        Assert.Contains("</body>", Encoding.UTF8.GetString(body));
        Assert.Equal(SHA256.HashData(Attachments.HtmlReportBytes.Span), SHA256.HashData(body));
    }

    [Fact]
    public async Task Absolute_download_is_an_octet_stream_attachment_without_length_and_byte_identical()
    {
        string id = await Http.LogInAsync();

        using HttpResponseMessage response = await Http.GetAsync(
            "/squirrelmail/src/download.php?passed_id=2&ent_id=3&absolute_dl=true", id);
        Assert.Null(response.Content.Headers.ContentLength);
        byte[] body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment; filename=\"data.bin\"", response.Content.Headers.ContentDisposition?.ToString());
        Assert.True(response.Headers.TransferEncodingChunked);
        Assert.Equal(300 * 1024, body.Length);
        Assert.Equal(SHA256.HashData(Attachments.BinaryBytes.Span), SHA256.HashData(body));
    }
}
