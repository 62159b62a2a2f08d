using System.Net;
using Bunit;
using WebKnock.Admin;
using WebKnock.Admin.Now;
using WebKnock.Windows;

namespace WebKnock.Tests.Admin;

/// <summary>The Now page's components from known data.</summary>
public sealed class NowComponentsTests : BunitContext
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    private static WindowRow Row(string address, TimeSpan left, WindowReason openedBy = WindowReason.Knock, WindowReason? extension = null, string service = "webmail", params string?[] users) =>
        new(service, IPAddress.Parse(address), "DE", Now - TimeSpan.FromMinutes(5), Now + left, openedBy, extension, users);

    [Fact]
    public void The_window_table_shows_each_window_with_its_sessions_and_a_countdown_from_its_deadline()
    {
        var cut = Render<WindowTable>(p => p
            .Add(t => t.Now, Now)
            .Add(t => t.Windows, [Row("198.51.100.7", TimeSpan.FromSeconds(754), users: ["alice", "bob", null]), Row("2001:db8::7", TimeSpan.FromMinutes(75))]));

        var rows = cut.FindAll("tbody tr");
        Assert.Equal(2, rows.Count);
        var first = rows[0];
        Assert.Equal("webmail 198.51.100.7", first.GetAttribute("data-window"));
        Assert.Equal("198.51.100.7", first.QuerySelector(".address")!.TextContent);
        Assert.Equal("DE", first.QuerySelector(".country")!.TextContent);
        Assert.Equal("webmail", first.QuerySelector(".service")!.TextContent);
        Assert.Equal("08:55:00", first.QuerySelector(".opened")!.TextContent);
        var countdown = first.QuerySelector(".countdown")!;
        Assert.Equal("12:34", countdown.TextContent);
        Assert.Equal((Now + TimeSpan.FromSeconds(754)).ToUnixTimeMilliseconds().ToString(), countdown.GetAttribute("data-deadline"));
        Assert.Equal("3", first.QuerySelector(".sessions .count")!.TextContent);
        Assert.Equal(["alice", "bob", "(name unknown)"], first.QuerySelectorAll(".sessions .user").Select(u => u.TextContent));
        Assert.Equal("1:15:00", rows[1].QuerySelector(".countdown")!.TextContent);
        Assert.Equal("none", rows[1].QuerySelector(".sessions")!.TextContent.Trim());
    }

    [Theory]
    [InlineData(WindowReason.Knock, null, "knock", null)]
    [InlineData(WindowReason.Manual, null, "manual", null)]
    [InlineData(WindowReason.Restored, null, "restored", null)]
    [InlineData(WindowReason.Knock, WindowReason.Extend, "knock", "extended: extension")]
    [InlineData(WindowReason.Knock, WindowReason.Reknock, "knock", "extended: knock")]
    [InlineData(WindowReason.Manual, WindowReason.Manual, "manual", "extended: manual")]
    public void The_window_table_says_how_each_window_opened_and_what_last_extended_it(WindowReason openedBy, WindowReason? extension, string opened, string? extended)
    {
        var cut = Render<WindowTable>(p => p.Add(t => t.Now, Now).Add(t => t.Windows, [Row("198.51.100.7", TimeSpan.FromMinutes(30), openedBy, extension)]));

        Assert.Equal(opened, cut.Find(".how .opened-by").TextContent);
        Assert.Equal(extended, cut.FindAll(".how .extended-by").SingleOrDefault()?.TextContent);
    }

    [Fact]
    public void The_window_table_rows_submit_the_shared_extend_and_close_forms_with_their_window()
    {
        var cut = Render<WindowTable>(p => p.Add(t => t.Now, Now).Add(t => t.Windows, [Row("198.51.100.7", TimeSpan.FromMinutes(30), service: "ssh")]));

        var extend = cut.Find("button.extend");
        var close = cut.Find("button.close");
        Assert.Equal(("submit", "admin-extend", "target", "ssh 198.51.100.7"), (extend.GetAttribute("type"), extend.GetAttribute("form"), extend.GetAttribute("name"), extend.GetAttribute("value")));
        Assert.Equal(("submit", "admin-close", "target", "ssh 198.51.100.7"), (close.GetAttribute("type"), close.GetAttribute("form"), close.GetAttribute("name"), close.GetAttribute("value")));
    }

    [Fact]
    public void A_knock_users_window_links_to_the_users_charts_and_events()
    {
        var cut = Render<WindowTable>(p => p.Add(t => t.Now, Now).Add(t => t.Windows,
            [Row("198.51.100.7", TimeSpan.FromMinutes(30), WindowReason.TotpKnock) with { KnockUser = "alice@home" }, Row("198.51.100.8", TimeSpan.FromMinutes(30))]));

        var rows = cut.FindAll("tbody tr");
        Assert.Equal("alice@home", rows[0].QuerySelector(".knock-user")!.TextContent);
        Assert.Equal("charts?user=alice%40home", rows[0].QuerySelector("a.user-charts")!.GetAttribute("href"));
        Assert.Equal("events?user=alice%40home", rows[0].QuerySelector("a.user-events")!.GetAttribute("href"));
        Assert.Equal("", rows[1].QuerySelector(".knock-user")!.TextContent);
        Assert.Null(rows[1].QuerySelector(".user-links"));
    }

    [Fact]
    public void Without_windows_the_table_says_so()
    {
        var cut = Render<WindowTable>(p => p.Add(t => t.Now, Now).Add(t => t.Windows, []));

        Assert.Equal("No open windows.", cut.Find("#no-windows").TextContent);
        Assert.Empty(cut.FindAll("table"));
    }

    [Fact]
    public void The_blocked_list_shows_time_left_or_no_end_and_an_unblock_button_per_address()
    {
        var cut = Render<BlockedList>(p => p
            .Add(b => b.Now, Now)
            .Add(b => b.Blocked, [new BlockedRow(IPAddress.Parse("203.0.113.9"), "documentation", Now + TimeSpan.FromMinutes(59)), new BlockedRow(IPAddress.Parse("2001:db8::9"), null, null)]));

        var rows = cut.FindAll("tbody tr");
        Assert.Equal(["203.0.113.9", "2001:db8::9"], rows.Select(r => r.GetAttribute("data-blocked")));
        Assert.Equal("59:00", rows[0].QuerySelector(".countdown")!.TextContent);
        Assert.Equal((Now + TimeSpan.FromMinutes(59)).ToUnixTimeMilliseconds().ToString(), rows[0].QuerySelector(".countdown")!.GetAttribute("data-deadline"));
        Assert.Equal("no end", rows[1].QuerySelector(".no-end")!.TextContent);
        Assert.Null(rows[1].QuerySelector("[data-deadline]"));
        Assert.Equal("unknown", rows[1].QuerySelector(".country")!.TextContent);
        var unblock = rows[1].QuerySelector("button.unblock")!;
        Assert.Equal(("admin-unblock", "address", "2001:db8::9"), (unblock.GetAttribute("form"), unblock.GetAttribute("name"), unblock.GetAttribute("value")));
    }

    [Fact]
    public void Without_blocks_the_list_says_so()
    {
        var cut = Render<BlockedList>(p => p.Add(b => b.Now, Now).Add(b => b.Blocked, []));

        Assert.Equal("No blocked addresses.", cut.Find("#no-blocked").TextContent);
    }

    [Theory]
    [InlineData(0, "00:00")]
    [InlineData(0.2, "00:01")]
    [InlineData(59, "00:59")]
    [InlineData(3600, "1:00:00")]
    [InlineData(-5, "00:00")]
    public void The_countdown_rounds_up_to_whole_seconds_and_never_goes_below_zero(double seconds, string shown)
    {
        var cut = Render<Countdown>(p => p.Add(c => c.Now, Now).Add(c => c.Deadline, Now + TimeSpan.FromSeconds(seconds)));

        Assert.Equal(shown, cut.Find(".countdown").TextContent);
    }
}
