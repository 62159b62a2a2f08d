using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using SquirrelMailFixture;

namespace WebKnock.Tests.Fixture;

/// <summary>The <c>/fixture/</c> test endpoints send bodies of the promised shapes.</summary>
public sealed class FixtureEndpointsTests : FixtureTestBase
{
    [Theory]
    [InlineData("/fixture/json", "application/json", 70)]
    [InlineData("/fixture/1k", "text/plain", 1024)]
    [InlineData("/fixture/html30k", "text/html", 30 * 1024)]
    public async Task Small_bodies_have_a_content_length(string path, string mediaType, int length)
    {
        using HttpResponseMessage response = await Http.GetAsync(path);
        byte[] body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(length, response.Content.Headers.ContentLength);
        Assert.Equal(length, body.Length);
    }

    [Fact]
    public async Task Html30k_closes_its_body_near_the_end()
    {
        using HttpResponseMessage response = await Http.GetAsync("/fixture/html30k");
        string html = await response.Content.ReadAsStringAsync();

        Assert.InRange(html.LastIndexOf("</body>", StringComparison.Ordinal), html.Length - 32, html.Length);
    }

    [Fact]
    public async Task Gzip_page_is_compressed_even_unasked_and_decodes_to_the_plain_page()
    {
        using HttpResponseMessage response = await Http.GetAsync("/fixture/gzip-html");
        Assert.Null(response.Content.Headers.ContentLength);
        byte[] compressed = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal("gzip", Assert.Single(response.Content.Headers.ContentEncoding));
        using var gzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var plain = new MemoryStream();
        await gzip.CopyToAsync(plain);
        Assert.Equal(FixtureContent.GzipHtmlPlain.ToArray(), plain.ToArray());
        Assert.Contains("</body>", Encoding.UTF8.GetString(plain.ToArray()));
    }

    [Fact]
    public async Task Big_html_streams_exactly_n_mebibytes_ending_with_body_close()
    {
        using HttpResponseMessage response = await Http.GetAsync("/fixture/big-html?mb=3");
        Assert.Null(response.Content.Headers.ContentLength);
        byte[] body = await response.Content.ReadAsByteArrayAsync();

        Assert.True(response.Headers.TransferEncodingChunked);
        Assert.Equal(3 * 1024 * 1024, body.Length);
        Assert.EndsWith("</body>\n</html>\n", Encoding.ASCII.GetString(body, body.Length - 64, 64));
        byte[] expected = FixtureContent.BigHtmlChunks(3).SelectMany(c => c.ToArray()).ToArray();
        Assert.Equal(SHA256.HashData(expected), SHA256.HashData(body));
    }

    [Fact]
    public async Task Big_html_rejects_a_bad_size()
    {
        using HttpResponseMessage response = await Http.GetAsync("/fixture/big-html?mb=-1");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Split_body_reassembles_into_a_closed_page()
    {
        using HttpResponseMessage response = await Http.GetAsync("/fixture/split-body");
        string html = await response.Content.ReadAsStringAsync();

        Assert.True(response.Headers.TransferEncodingChunked);
        Assert.EndsWith("</bo", Encoding.ASCII.GetString(FixtureContent.SplitBodyParts[0].Span));
        Assert.EndsWith("</body></html>\n", html);
    }

    [Theory]
    [InlineData("/fixture/attachment-html", "text/html", "inline; filename=\"report.html\"")]
    [InlineData("/fixture/attachment-bin", "application/octet-stream", "attachment; filename=\"data.bin\"")]
    public async Task Attachment_aliases_need_no_session_and_match_the_download_bytes(
        string path, string mediaType, string disposition)
    {
        using HttpResponseMessage response = await Http.GetAsync(path);
        Assert.Null(response.Content.Headers.ContentLength);
        byte[] body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(disposition, response.Content.Headers.ContentDisposition?.ToString());
        ReadOnlyMemory<byte> expected = mediaType == "text/html" ? Attachments.HtmlReportBytes : Attachments.BinaryBytes;
        Assert.Equal(SHA256.HashData(expected.Span), SHA256.HashData(body));
    }
}
