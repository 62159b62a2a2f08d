using System.Net;
using WebKnock.Knocking;
using WebKnock.Tests.Infrastructure;

namespace WebKnock.Tests.Webmail;

/// <summary>
/// What a SquirrelMail user sees through the whole gateway where the page and the window's state meet: the last
/// sign-out's page, pages in frames and popups, the attachment view, a session that expires upstream.
/// </summary>
public sealed class SquirrelMailFidelityTests : IAsyncLifetime
{
    private const string Nat = "198.51.100.7";
    private const string BannerTag = "id=\"webknock-banner\"";
    private GatewayHarness _gw = null!;

    public async Task InitializeAsync()
    {
        _gw = await GatewayHarness.StartAsync();
        await _gw.KnockAsync(Nat);
    }

    public async Task DisposeAsync() => await _gw.DisposeAsync();

    private async Task<HttpClient> LoggedInAsync(string user = "alice")
    {
        var client = _gw.Client(Nat);
        using var login = await client.LoginAsync(user, user + "-pw");
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        return client;
    }

    [Fact]
    public async Task The_last_sign_out_page_shows_the_closed_banner_which_asks_nothing_more_of_the_gateway()
    {
        var alice = await LoggedInAsync();

        using var signOut = await alice.SignOutAsync();
        var page = await signOut.TextAsync();

        Assert.Contains("successfully signed out", page);
        Assert.Equal(1, page.Count(BannerTag));
        var banner = page[page.IndexOf(BannerTag, StringComparison.Ordinal)..page.LastIndexOf("</body>", StringComparison.Ordinal)];
        Assert.Contains("webknock-closed", banner);
        Assert.Contains("Access closed", banner);
        Assert.Contains("style=\"position:fixed;", banner);
        Assert.DoesNotContain("Extend", banner);
        Assert.DoesNotContain("webknock-time", banner);
        Assert.DoesNotContain("<script", banner);
        Assert.DoesNotContain("<link", banner);
        Assert.DoesNotContain("/.webknock/", banner); // no file, no endpoint: the gate refuses the address from now on
        Assert.True(await Eventually.TrueAsync(() => !_gw.IsOpen(Nat)));
    }

    [Fact]
    public async Task A_sign_out_that_leaves_a_session_behind_the_address_shows_the_open_banner()
    {
        var alice = await LoggedInAsync();
        await LoggedInAsync("bob");

        using var signOut = await alice.SignOutAsync();
        var page = await signOut.TextAsync();

        Assert.Contains("successfully signed out", page);
        Assert.Contains("Access closes in", page);
        // The banner's elements by their class attributes: its inline style and script name every class too.
        Assert.Contains("class=\"webknock-extend\"", page);
        Assert.DoesNotContain("class=\"webknock-banner webknock-closed\"", page);
        Assert.True(_gw.IsOpen(Nat));
    }

    [Fact]
    public async Task A_last_sign_out_inside_an_open_network_window_shows_the_open_banner()
    {
        await _gw.Windows.OpenNetworkAsync(ServiceNames.Webmail, IPNetwork.Parse("198.51.100.0/24"), TimeSpan.FromHours(1), CancellationToken.None);
        var alice = await LoggedInAsync();

        using var signOut = await alice.SignOutAsync();
        var page = await signOut.TextAsync();

        Assert.Contains("Access closes in", page);
        Assert.DoesNotContain("class=\"webknock-banner webknock-closed\"", page);
    }

    [Theory]
    [InlineData("addrbook_popup.php", "document", 0)] // the JavaScript address book: a frameset in a popup
    [InlineData("addrbook_search.php?show=form", "frame", 0)] // its two frames
    [InlineData("addrbook_search.php?show=blank", "frame", 0)]
    [InlineData("addrbook_search.php?query=carole", "frame", 0)]
    [InlineData("printer_friendly_bottom.php?passed_id=2", "frame", 0)]
    [InlineData("compose.php", "frame", 1)] // right-frame pages
    [InlineData("view_text.php?mailbox=INBOX&passed_id=2&startMessage=1&override_type0=text&override_type1=html&ent_id=2", "frame", 1)]
    [InlineData("compose.php", "iframe", 0)]
    [InlineData("compose.php", "document", 1)] // compose in a window of its own
    public async Task Only_the_designated_content_frame_gets_a_banner(string page, string dest, int banners)
    {
        var alice = await LoggedInAsync();

        using var response = await alice.NavigateAsync(WebmailClient.Base + page, dest);
        var html = await response.TextAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("logout_error", html);
        Assert.Equal(banners, html.Count(BannerTag));
    }

    [Fact]
    public async Task The_view_link_of_the_html_attachment_opens_view_text_a_right_frame_page_with_the_banner()
    {
        var alice = await LoggedInAsync();
        using var message = await alice.NavigateAsync(WebmailClient.Base + "read_body.php?mailbox=INBOX&passed_id=2&startMessage=1", "frame");
        var html = await message.TextAsync();
        var row = html[html.IndexOf("report.html", StringComparison.Ordinal)..];
        row = row[..row.IndexOf("</tr>", StringComparison.Ordinal)];
        var view = System.Text.RegularExpressions.Regex.Match(row, "<a href=\"([^\"]+)\">View</a>").Groups[1].Value;
        Assert.StartsWith("../src/view_text.php?", view);

        using var shown = await alice.NavigateAsync(WebmailClient.Base + WebUtility.HtmlDecode(view)["../src/".Length..], "frame");
        var page = await shown.TextAsync();

        Assert.Contains("<h1>Quarterly report</h1>", page);
        Assert.Contains("Download this as a file", page);
        Assert.DoesNotContain("document.title", page); // the attachment's script is not part of the page
        Assert.Equal(1, page.Count(BannerTag));
    }

    [Fact]
    public async Task A_session_that_expires_upstream_closes_the_window_like_an_idle_timeout_when_it_was_the_last()
    {
        var alice = await LoggedInAsync();
        var id = Assert.Single(_gw.Sessions.Tracker.ForAddress(IPAddress.Parse(Nat))).Id;
        Assert.True(_gw.Upstream.Sessions.Destroy(id)); // PHP's session went away

        using (var page = await alice.NavigateAsync(WebmailClient.Base + "right_main.php", "frame"))
        {
            Assert.Contains("You must be logged in", await page.TextAsync()); // the user still gets the page
        }

        Assert.Empty(_gw.Sessions.Tracker.ForAddress(IPAddress.Parse(Nat)));
        Assert.True(await Eventually.TrueAsync(() => !_gw.IsOpen(Nat)));
        Assert.True(await _gw.Client(Nat).IsRefusedAsync());
    }

    [Fact]
    public async Task A_session_that_expires_upstream_leaves_the_window_open_while_another_lives_behind_the_address()
    {
        var alice = await LoggedInAsync();
        await LoggedInAsync("bob");
        var id = _gw.Sessions.Tracker.ForAddress(IPAddress.Parse(Nat)).Single(s => s.UserName == "alice").Id;
        _gw.Upstream.Sessions.Destroy(id);

        using (var page = await alice.NavigateAsync(WebmailClient.Base + "right_main.php", "frame"))
        {
            Assert.Contains("You must be logged in", await page.TextAsync());
        }

        Assert.Equal("bob", Assert.Single(_gw.Sessions.Tracker.ForAddress(IPAddress.Parse(Nat))).UserName);
        await Task.Delay(200);
        Assert.True(_gw.IsOpen(Nat));
    }

    [Fact]
    public async Task Opening_the_login_page_ends_the_session_without_closing_the_window()
    {
        var alice = await LoggedInAsync();

        using (var page = await alice.NavigateAsync(WebmailClient.Base + "login.php"))
        {
            await page.TextAsync(); // SquirrelMail destroys the session here
        }

        Assert.Empty(_gw.Sessions.Tracker.ForAddress(IPAddress.Parse(Nat)));
        await Task.Delay(200);
        Assert.True(_gw.IsOpen(Nat)); // the user is about to sign in again
    }
}
