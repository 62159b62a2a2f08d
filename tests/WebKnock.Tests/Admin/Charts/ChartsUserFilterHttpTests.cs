using System.Net;
using WebKnock.Events;
using WebKnock.Knocking;
using WebKnock.Tests.Infrastructure;
using WebKnock.Windows;

namespace WebKnock.Tests.Admin.Charts;

/// <summary>
/// The user filter over HTTP, through the whole gateway (in-memory backend): a bad value is a message on a 200 page
/// (as the pages' other filters), never an error page; a knock user's window on the Now page links to the user's charts
/// and events, which count that user's window.
/// </summary>
public sealed class ChartsUserFilterHttpTests : IAsyncLifetime
{
    private const string Admin = "198.51.100.110";
    private const string Phone = "198.51.100.120";
    private GatewayHarness _gw = null!;
    private AdminClient _admin = null!;

    public async Task InitializeAsync()
    {
        _gw = await AdminSite.StartAsync(
            ("WebKnock:Webmail:Knock:Totp:Enabled", "true"),
            ("WebKnock:Webmail:Knock:Totp:KnockPage", "https://mail.example.org/knock.html"),
            ("WebKnock:Knock:Users:0:Name", "carol"),
            ("WebKnock:Knock:Users:0:TotpSecret", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"));
        await _gw.KnockAsync(Admin);
        _admin = new AdminClient(_gw.Client(Admin));
        (await _admin.SignInAsync()).Dispose();
    }

    public async Task DisposeAsync() => await _gw.DisposeAsync();

    [Theory]
    [InlineData("/charts?user=%01carol", "A user name has at most 128 characters and no control characters, not \"?carol\"; showing every user.")]
    [InlineData("/charts?top=99", "The number of users shown on their own must be from 1 to 7, not \"99\"; showing 5.")]
    [InlineData("/charts?top=-1&user=carol", "The number of users shown on their own must be from 1 to 7, not \"-1\"; showing 5.")]
    [InlineData("/events?user=%01carol", "A user name has at most 128 characters and no control characters, not \"?carol\".")]
    public async Task A_bad_filter_value_is_a_message_on_the_page(string relative, string message)
    {
        var (response, page) = await _admin.GetAsync(relative);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([message], page.QuerySelectorAll(".wk-errors li").Select(e => e.TextContent));
        Assert.Equal("alert", page.QuerySelector(".wk-errors")!.GetAttribute("role"));
    }

    [Fact]
    public async Task A_users_window_on_the_Now_page_links_to_charts_and_events_that_count_it()
    {
        await _gw.Windows.OpenForUserAsync(ServiceNames.Webmail, IPAddress.Parse(Phone), "carol", WindowReason.TotpKnock, TimeSpan.FromMinutes(10), CancellationToken.None);
        await _gw.StoredAsync(GatewayEventType.WindowOpened, atLeast: 2); // the admin's plain knock, carol's window

        var (_, now) = await _admin.GetAsync();
        var row = now.QuerySelector($"tr[data-window='webmail {Phone}']")!;
        Assert.Equal("carol", row.QuerySelector(".knock-user")!.TextContent);
        var charts = row.QuerySelector("a.user-charts")!.GetAttribute("href")!;
        var events = row.QuerySelector("a.user-events")!.GetAttribute("href")!;
        Assert.Equal(("charts?user=carol", "events?user=carol"), (charts, events));
        Assert.Equal("/admin/", now.QuerySelector("base")!.GetAttribute("href")); // so the links are the admin's pages

        var (response, page) = await _admin.GetAsync("/" + charts);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(page.QuerySelectorAll(".wk-errors"));
        Assert.Equal("carol", page.QuerySelector(".wk-user-filter .wk-filter-user")!.TextContent);
        Assert.Equal(["carol"], page.QuerySelectorAll("table.wk-knock-users tbody tr").Select(r => r.GetAttribute("data-knock-user")));
        Assert.Equal(("1", "1"), (page.QuerySelector("tr[data-knock-user='carol'] .windows")!.TextContent, page.QuerySelector("tr[data-knock-user='carol'] .totp")!.TextContent));

        var (_, list) = await _admin.GetAsync("/" + events);
        Assert.Equal("carol", list.QuerySelector("input[name=user]")!.GetAttribute("value"));
        var rows = list.QuerySelectorAll("table.wk-events tbody tr").ToList();
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.Equal("carol", r.Children[6].TextContent.Trim()));
        Assert.Contains(rows, r => r.Children[1].TextContent == "Window opened" && r.Children[3].TextContent.Trim() == Phone);
    }
}
