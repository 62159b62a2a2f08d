using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using WebKnock.Tests.Infrastructure;

namespace WebKnock.Tests.Webmail;

/// <summary>
/// The banner in the real Roundcube's pages through the whole gateway: once in top-level pages, never in
/// frames, AJAX answers or attachments, whose bytes arrive as Roundcube sent them.
/// </summary>
public sealed class RoundcubeBannerTests : IAsyncLifetime
{
    private const string A = "192.0.2.10";
    private const string BannerTag = "id=\"webknock-banner\"";
    private static readonly string Report = $"_uid={RoundcubeUpstream.ReportUid}&_mbox=INBOX";
    private GatewayHarness _gw = null!;
    private RoundcubeBrowser _alice = null!;

    public async Task InitializeAsync()
    {
        _gw = await RoundcubeUpstream.StartGatewayAsync();
        await _gw.KnockAsync(A);
        _alice = new RoundcubeBrowser(_gw.Client(A));
        using var login = await _alice.LoginAsync("alice", "alice-pw");
        Assert.Equal(HttpStatusCode.Found, login.StatusCode);
    }

    public async Task DisposeAsync() => await _gw.DisposeAsync();

    [RoundcubeFact]
    public async Task The_mail_page_gets_one_banner_before_its_body_end_from_a_gzip_answer()
    {
        using (var direct = await DirectAsync("?_task=mail&_mbox=INBOX", "gzip"))
        {
            Assert.Contains("gzip", direct.Content.Headers.ContentEncoding); // Apache does compress it
        }

        using var response = await _alice.MailAsync(acceptEncoding: "gzip");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(response.Content.Headers.ContentEncoding);
        Assert.Null(response.Content.Headers.ContentLength);
        var page = await response.TextAsync();

        Assert.Equal(1, page.Count(BannerTag));
        Assert.True(page.IndexOf(BannerTag, StringComparison.Ordinal) < page.LastIndexOf("</body>", StringComparison.OrdinalIgnoreCase));
        Assert.Contains("Access closes in", page);
        Assert.EndsWith("</html>", page.TrimEnd());
        Assert.Contains("\"task\":\"mail\"", page);
    }

    [RoundcubeFact]
    public async Task The_message_in_a_page_of_its_own_gets_one_banner()
    {
        using var response = await _alice.Navigate($"?_task=mail&_action=show&{Report}");

        Assert.Equal(1, (await response.TextAsync()).Count(BannerTag));
    }

    [RoundcubeFact]
    public async Task The_login_page_gets_one_banner()
    {
        using var response = await new RoundcubeBrowser(_gw.Client(A)).Navigate("", acceptEncoding: "gzip");

        Assert.Equal(1, (await response.TextAsync()).Count(BannerTag));
    }

    [RoundcubeTheory]
    [InlineData("?_task=mail&_action=preview&{0}&_framed=1", "iframe")]
    [InlineData("?_task=mail&_action=preview&{0}&_framed=1", "document")] // the flag alone is enough
    [InlineData("?_task=mail&_action=show&{0}", "iframe")]
    [InlineData("?_task=mail&_action=get&{0}&_part=2&_frame=1", "document")]
    [InlineData("?_task=settings&_action=preferences&_framed=1", "iframe")]
    public async Task Frames_get_none(string query, string dest)
    {
        using var response = await _alice.Navigate(string.Format(query, Report), dest, "gzip");
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var page = System.Text.Encoding.Latin1.GetString(response.Content.Headers.ContentEncoding.Contains("gzip") ? Gunzip(bytes) : bytes);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<html", page);
        Assert.Equal(0, page.Count(BannerTag));
    }

    [RoundcubeFact]
    public async Task Ajax_answers_are_untouched()
    {
        using var response = await _alice.KeepAliveAsync();
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
        Assert.Equal("{\"action\":\"keep-alive\",\"exec\":\"\"}"u8.ToArray(), body);
    }

    [RoundcubeTheory]
    [InlineData("report.html", 2, true, "")]
    [InlineData("data.bin", 3, true, "")]
    [InlineData("data.bin", 3, false, "")] // shown inline
    [InlineData("report.html", 2, true, "gzip")]
    [InlineData("data.bin", 3, false, "gzip")]
    public async Task Attachments_arrive_byte_identical(string file, int part, bool download, string acceptEncoding)
    {
        var query = $"?_task=mail&_action=get&{Report}&_part={part}" + (download ? $"&_download=1&_token={_alice.Token}" : "");
        using var response = await _alice.Navigate(query, "document", acceptEncoding);
        var bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(download ? "attachment" : "inline", response.Content.Headers.ContentDisposition?.DispositionType);
        if (acceptEncoding.Length > 0)
        {
            // The gateway neither decodes nor re-encodes a file: Apache's gzip reaches the browser as it was.
            Assert.Equal("gzip", Assert.Single(response.Content.Headers.ContentEncoding));
            bytes = Gunzip(bytes);
        }

        Assert.Equal(SHA256.HashData(RoundcubeUpstream.Expected(file)), SHA256.HashData(bytes));
    }

    [RoundcubeTheory]
    [InlineData("")]
    [InlineData("gzip")]
    public async Task An_html_attachment_shown_inline_is_what_roundcube_sent(string acceptEncoding)
    {
        // Roundcube cleans the HTML of a part it shows (so not the attachment's bytes) and forbids scripts.
        var query = $"?_task=mail&_action=get&{Report}&_part=2";
        using var direct = await DirectAsync(query, acceptEncoding);
        using var response = await _alice.Navigate(query, "document", acceptEncoding);

        Assert.Contains("script-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal(direct.Content.Headers.ContentEncoding, response.Content.Headers.ContentEncoding);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(SHA256.HashData(await direct.Content.ReadAsByteArrayAsync()), SHA256.HashData(bytes));
        Assert.DoesNotContain("webknock", System.Text.Encoding.Latin1.GetString(acceptEncoding.Length > 0 ? Gunzip(bytes) : bytes));
    }

    /// <summary>The same request straight to Apache, in alice's session.</summary>
    private async Task<HttpResponseMessage> DirectAsync(string query, string acceptEncoding)
    {
        var direct = RoundcubeUpstream.Direct();
        var request = new HttpRequestMessage(HttpMethod.Get, RoundcubeBrowser.Base + query);
        request.Headers.TryAddWithoutValidation("Cookie", $"roundcube_sessid={_alice.SessionId}; roundcube_sessauth={_alice.Auth}");
        request.Headers.Accept.ParseAdd("text/html");
        if (acceptEncoding.Length > 0)
        {
            request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        }

        var response = await direct.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        direct.Dispose();
        return response;
    }

    private static byte[] Gunzip(byte[] bytes)
    {
        using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        using var plain = new MemoryStream();
        gzip.CopyTo(plain);
        return plain.ToArray();
    }
}
