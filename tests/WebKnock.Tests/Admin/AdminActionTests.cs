using System.Net;
using Microsoft.Extensions.DependencyInjection;
using WebKnock.Admin;
using WebKnock.Events;
using WebKnock.Firewall;
using WebKnock.Knocking;
using WebKnock.Tests.Infrastructure;

namespace WebKnock.Tests.Admin;

/// <summary>Every action changes the windows or the firewall and leaves an audit row; refusals and forgeries change nothing.</summary>
public sealed class AdminActionTests : IAsyncLifetime
{
    private const string Me = "198.51.100.70";
    private const string User = "198.51.100.71";
    private const string Other = "198.51.100.72";
    private GatewayHarness _gw = null!;
    private AdminClient _admin = null!;

    public async Task InitializeAsync()
    {
        // The administrator's address is an admin network too, so that it keeps the pages while the clock runs.
        _gw = await AdminSite.StartAsync(("WebKnock:Webmail:MaxWindow", "02:00:00"), ("WebKnock:Admin:Networks:0", Me));
        await _gw.KnockAsync(Me);
        await _gw.KnockAsync(User);
        _admin = new AdminClient(_gw.Client(Me));
        (await _admin.SignInAsync()).Dispose();
    }

    public async Task DisposeAsync() => await _gw.DisposeAsync();

    private IFirewall Firewall => _gw.Services.GetRequiredService<IFirewall>();

    private DateTimeOffset Deadline(string address) => _gw.Windows.Get(ServiceNames.Webmail, IPAddress.Parse(address))!.ExpiresAt;

    private Task<HttpResponseMessage> Submit(string form, Dictionary<string, string> fields, bool withToken = true) =>
        _admin.SubmitAsync("/", form, fields, withToken);

    private async Task<GatewayEvent> AuditAsync(int count = 1) => (await _gw.StoredAsync(GatewayEventType.AdminAction, count)).Last();

    // Kernel twin: GatewayAdminTests.The_administrator_s_extend_close_open_block_and_unblock_act_on_the_kernel_s_sets
    [Fact]
    public async Task Extend_gives_one_more_window_from_now_and_is_audited()
    {
        _gw.Time.Advance(TimeSpan.FromMinutes(10));
        using var response = await Submit(AdminForms.Extend, new() { [AdminForms.Target] = $"webmail {User}" });

        var page = await _admin.FollowAsync(response);
        Assert.Equal(_gw.Time.GetUtcNow() + TimeSpan.FromMinutes(30), Deadline(User));
        Assert.Contains($"Extended the webmail window of {User}", page.QuerySelector("#status")!.TextContent);
        var audit = await AuditAsync();
        Assert.Equal((AdminSite.Name, "extend", User, ServiceNames.Webmail), (audit.User, audit.Detail, audit.Address!.ToString(), audit.Service));
        Assert.Equal("extended: manual", page.QuerySelector($"tr[data-window='webmail {User}'] .extended-by")!.TextContent);
    }

    [Fact]
    public async Task Extend_is_capped_like_the_users()
    {
        for (var i = 0; i < 4; i++)
        {
            _gw.Time.Advance(TimeSpan.FromMinutes(25));
            (await Submit(AdminForms.Extend, new() { [AdminForms.Target] = $"webmail {User}" })).Dispose();
        }

        var opened = _gw.Windows.Get(ServiceNames.Webmail, IPAddress.Parse(User))!.OpenedAt;
        Assert.Equal(opened + TimeSpan.FromHours(2), Deadline(User)); // MaxWindow from the knock...
        Assert.True(Deadline(User) < _gw.Time.GetUtcNow() + TimeSpan.FromMinutes(21)); // ...not 30 minutes from now
    }

    // Kernel twin: GatewayAdminTests.The_administrator_s_extend_close_open_block_and_unblock_act_on_the_kernel_s_sets
    [Fact]
    public async Task Close_removes_the_window_and_is_audited()
    {
        using var response = await Submit(AdminForms.Close, new() { [AdminForms.Target] = $"webmail {User}" });

        var page = await _admin.FollowAsync(response);
        Assert.False(_gw.IsOpen(User));
        Assert.Empty(await Firewall.ListAsync(ServiceNames.Webmail, CancellationToken.None) is var allowed
            ? allowed.Where(e => e.Address.ToString() == User) : []);
        Assert.Null(page.QuerySelector($"tr[data-window='webmail {User}']"));
        Assert.True(await _gw.Client(User).IsRefusedAsync());
        var audit = await AuditAsync();
        Assert.Equal(("close", User), (audit.Detail, audit.Address!.ToString()));
        var closed = Assert.Single(await _gw.StoredAsync(GatewayEventType.WindowClosed));
        Assert.Equal("Administrator", closed.Detail);
    }

    // Kernel twin: GatewayAdminTests.The_administrator_s_extend_close_open_block_and_unblock_act_on_the_kernel_s_sets
    [Theory]
    [InlineData("60", "", 60)]
    [InlineData("60", "45", 45)]
    public async Task Open_gives_an_address_a_window_for_the_chosen_time(string duration, string minutes, int expected)
    {
        using var response = await Submit(AdminForms.Open, new()
        {
            [AdminForms.Service] = ServiceNames.Webmail,
            [AdminForms.Target] = Other,
            [AdminForms.Duration] = duration,
            [AdminForms.Minutes] = minutes,
        });

        var page = await _admin.FollowAsync(response);
        Assert.Equal(_gw.Time.GetUtcNow() + TimeSpan.FromMinutes(expected), Deadline(Other));
        Assert.Contains(await Firewall.ListAsync(ServiceNames.Webmail, CancellationToken.None), e => e.Address.ToString() == Other);
        Assert.Equal("manual", page.QuerySelector($"tr[data-window='webmail {Other}'] .opened-by")!.TextContent);
        var audit = await AuditAsync();
        Assert.Equal(($"open {expected} min", Other, ServiceNames.Webmail), (audit.Detail, audit.Address!.ToString(), audit.Service));
    }

    [Theory]
    [InlineData("", "60", "Give an address")]
    [InlineData("not-an-address", "60", "Give an address")]
    [InlineData(Other, "0", "Choose a duration")]
    [InlineData(Other, "121", "longer than the most allowed, 120 min (WebKnock:Webmail:MaxWindow)")]
    [InlineData("198.51.100.7/24", "60", "did you mean 198.51.100.0/24?")]
    [InlineData("10.0.0.0/8", "60", "wider than a /16, the widest network a window may open (WebKnock:Network:NetworkWindowMinPrefixV4)")]
    public async Task Open_refuses_bad_input_in_the_page_and_changes_nothing(string target, string minutes, string message)
    {
        using var response = await Submit(AdminForms.Open, new()
        {
            [AdminForms.Service] = ServiceNames.Webmail,
            [AdminForms.Target] = target,
            [AdminForms.Duration] = "30",
            [AdminForms.Minutes] = minutes,
        });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var page = AdminSite.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains(message, page.QuerySelector($"#{AdminForms.Id(AdminForms.Open)} .admin-error")!.TextContent);
        Assert.Equal(target, page.QuerySelector($"#{AdminForms.Id(AdminForms.Open)} input[name={AdminForms.Target}]")!.GetAttribute("value") ?? "");
        Assert.False(_gw.IsOpen(Other));
        Assert.Empty(_gw.Windows.ListNetworks());
        await AssertNoAuditBeforeTheNextAsync();
    }

    // Kernel twin: NetworkWindowKernelTests.An_open_network_lets_every_client_in_it_reach_the_protected_port_until_closed
    [Fact]
    public async Task Open_a_network_for_a_while_then_close_it_from_its_row()
    {
        var network = IPNetwork.Parse("203.0.113.0/24");
        using var opened = await Submit(AdminForms.Open, new()
        {
            [AdminForms.Service] = ServiceNames.Webmail,
            [AdminForms.Target] = "203.0.113.0/24",
            [AdminForms.Duration] = "120",
        });

        var page = await _admin.FollowAsync(opened);
        Assert.Equal(_gw.Time.GetUtcNow() + TimeSpan.FromMinutes(120), _gw.Windows.GetNetwork(ServiceNames.Webmail, network)!.ExpiresAt);
        Assert.Equal(HttpStatusCode.OK, (await _gw.Client("203.0.113.77").NavigateAsync(WebmailClient.Base + "login.php")).StatusCode);
        var row = page.QuerySelector("tr[data-window='webmail 203.0.113.0/24']")!;
        Assert.Equal("203.0.113.0/24", row.QuerySelector(".address")!.TextContent);
        Assert.Equal("network window", row.QuerySelector(".network")!.TextContent);
        var audit = await AuditAsync();
        Assert.Equal(("open 120 min 203.0.113.0/24", "203.0.113.0", ServiceNames.Webmail), (audit.Detail, audit.Address!.ToString(), audit.Service));

        using var closed = await Submit(AdminForms.Close, new() { [AdminForms.Target] = "webmail 203.0.113.0/24" });

        page = await _admin.FollowAsync(closed);
        Assert.Null(_gw.Windows.GetNetwork(ServiceNames.Webmail, network));
        Assert.Null(page.QuerySelector("tr[data-window='webmail 203.0.113.0/24']"));
        Assert.True(await _gw.Client("203.0.113.77").IsRefusedAsync());
        Assert.Equal("close 203.0.113.0/24", (await AuditAsync(2)).Detail);
    }

    // Kernel twin: GatewayAdminTests.The_administrator_s_extend_close_open_block_and_unblock_act_on_the_kernel_s_sets
    [Fact]
    public async Task Block_blocks_the_address_closes_its_window_and_is_audited()
    {
        using var response = await Submit(AdminForms.Block, new() { [AdminForms.Address] = User, [AdminForms.Duration] = "60", [AdminForms.Minutes] = "" });

        var page = await _admin.FollowAsync(response);
        var blocked = Assert.Single(await Firewall.ListBlockedAsync(CancellationToken.None));
        Assert.Equal((User, TimeSpan.FromMinutes(60)), (blocked.Address.ToString(), blocked.Remaining));
        Assert.False(_gw.IsOpen(User));
        Assert.Equal("1:00:00", page.QuerySelector($"tr[data-blocked='{User}'] .countdown")!.TextContent);
        var audit = await AuditAsync();
        Assert.Equal(("block 60 min", User), (audit.Detail, audit.Address!.ToString()));
        Assert.Equal("Administrator root, 60 min".ToLowerInvariant(), Assert.Single(await _gw.StoredAsync(GatewayEventType.Blocked)).Detail!.ToLowerInvariant());
        Assert.Equal("Blocked", Assert.Single(await _gw.StoredAsync(GatewayEventType.WindowClosed)).Detail);
    }

    [Fact]
    public async Task Block_refuses_the_administrators_own_address()
    {
        using var response = await Submit(AdminForms.Block, new() { [AdminForms.Address] = Me, [AdminForms.Duration] = "60" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("lock you out", await response.Content.ReadAsStringAsync());
        Assert.Empty(await Firewall.ListBlockedAsync(CancellationToken.None));
    }

    // Kernel twin: GatewayAdminTests.The_administrator_s_extend_close_open_block_and_unblock_act_on_the_kernel_s_sets
    [Fact]
    public async Task Unblock_lifts_the_block_and_is_audited()
    {
        await Firewall.BlockAsync(IPAddress.Parse(Other), TimeSpan.FromHours(1), CancellationToken.None);

        using var response = await Submit(AdminForms.Unblock, new() { [AdminForms.Address] = Other });

        var page = await _admin.FollowAsync(response);
        Assert.Empty(await Firewall.ListBlockedAsync(CancellationToken.None));
        Assert.NotNull(page.QuerySelector("#no-blocked"));
        var audit = await AuditAsync();
        Assert.Equal(("unblock", Other), (audit.Detail, audit.Address!.ToString()));
        Assert.Single(await _gw.StoredAsync(GatewayEventType.Unblocked));
    }

    public static TheoryData<string, Dictionary<string, string>> Forms => new()
    {
        { AdminForms.Extend, new() { [AdminForms.Target] = $"webmail {User}" } },
        { AdminForms.Close, new() { [AdminForms.Target] = $"webmail {User}" } },
        { AdminForms.Open, new() { [AdminForms.Service] = "webmail", [AdminForms.Target] = Other, [AdminForms.Duration] = "60" } },
        { AdminForms.Block, new() { [AdminForms.Address] = User, [AdminForms.Duration] = "60" } },
        { AdminForms.Unblock, new() { [AdminForms.Address] = Other } },
    };

    [Theory]
    [MemberData(nameof(Forms))]
    public async Task Without_the_anti_forgery_token_an_action_is_rejected_and_changes_nothing(string form, Dictionary<string, string> fields)
    {
        await Firewall.BlockAsync(IPAddress.Parse(Other), TimeSpan.FromHours(1), CancellationToken.None);
        var deadline = Deadline(User);
        _gw.Time.Advance(TimeSpan.FromMinutes(5));

        using var response = await Submit(form, fields, withToken: false);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(deadline, Deadline(User));
        Assert.False(_gw.IsOpen(Other));
        Assert.Equal([Other], (await Firewall.ListBlockedAsync(CancellationToken.None)).Select(b => b.Address.ToString()));
        await AssertNoAuditBeforeTheNextAsync();
    }

    [Fact]
    public async Task A_row_action_for_a_window_that_is_gone_says_so()
    {
        await _gw.Windows.CloseAsync(ServiceNames.Webmail, IPAddress.Parse(User), WebKnock.Windows.WindowReason.Deadline, CancellationToken.None);

        using var response = await Submit(AdminForms.Close, new() { [AdminForms.Target] = $"webmail {User}" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains($"{User} has no open webmail window to close", AdminSite.Parse(await response.Content.ReadAsStringAsync()).QuerySelector("#row-error")!.TextContent);
    }

    /// <summary>The writer stores events in order: once a later action's row is there, an earlier one would be too.</summary>
    private async Task AssertNoAuditBeforeTheNextAsync()
    {
        (await Submit(AdminForms.Extend, new() { [AdminForms.Target] = $"webmail {Me}" })).Dispose();
        var audits = await _gw.StoredAsync(GatewayEventType.AdminAction);
        var only = Assert.Single(audits);
        Assert.Equal(("extend", Me), (only.Detail, only.Address!.ToString()));
    }
}
