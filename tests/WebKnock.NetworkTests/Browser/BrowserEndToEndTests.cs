using WebKnock.NetworkTests.Gateway;
using WebKnock.NetworkTests.Infrastructure;
using Xunit.Abstractions;

namespace WebKnock.NetworkTests.Browser;

/// <summary>
/// Debian's Chromium in client namespace A, driven by Playwright, against the real gateway with the nftables backend
/// in the server namespace, in front of the real Roundcube (reached through a Unix-socket relay, see
/// <see cref="GatewayScenario.StartRoundcubeAsync"/>) or the SquirrelMail fixture.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class BrowserEndToEndTests(ITestOutputHelper output)
{
    [RoundcubeBrowserFact]
    public async Task Roundcube_knock_page_login_banner_countdown_extend_attachments_and_sign_out_in_a_real_browser()
    {
        await BrowserRun.WithOneRetryIfChromiumExitsAsync(output, async () =>
        {
            await using var gw = await GatewayScenario.StartRoundcubeAsync(output, clients: 1, BrowserScenarios.DaySettings);
            await new BrowserScenarios(gw, new RoundcubeUi(), output).DayAsync();
        });
    }

    [RoundcubeBrowserFact]
    public async Task Roundcube_two_browser_contexts_behind_one_address_the_first_sign_out_keeps_the_second_working()
    {
        await BrowserRun.WithOneRetryIfChromiumExitsAsync(output, async () =>
        {
            await using var gw = await GatewayScenario.StartRoundcubeAsync(output, clients: 1);
            await new BrowserScenarios(gw, new RoundcubeUi(), output).SharedAddressAsync();
        });
    }

    [BrowserFact]
    public async Task SquirrelMail_knock_page_login_banner_countdown_extend_attachments_and_sign_out_in_a_real_browser()
    {
        await BrowserRun.WithOneRetryIfChromiumExitsAsync(output, async () =>
        {
            await using var gw = await GatewayScenario.StartAsync(output, clients: 1, BrowserScenarios.DaySettings);
            await new BrowserScenarios(gw, new SquirrelMailUi(output), output).DayAsync();
        });
    }

    [BrowserFact]
    public async Task SquirrelMail_two_browser_contexts_behind_one_address_the_first_sign_out_keeps_the_second_working()
    {
        await BrowserRun.WithOneRetryIfChromiumExitsAsync(output, async () =>
        {
            await using var gw = await GatewayScenario.StartAsync(output, clients: 1);
            await new BrowserScenarios(gw, new SquirrelMailUi(output), output).SharedAddressAsync();
        });
    }

    [BrowserFact]
    public async Task SquirrelMail_at_a_phone_viewport_the_banner_leaves_the_last_line_visible_and_folds()
    {
        await BrowserRun.WithOneRetryIfChromiumExitsAsync(output, async () =>
        {
            await using var gw = await GatewayScenario.StartAsync(output, clients: 1);
            await new BrowserScenarios(gw, new SquirrelMailUi(output), output).PhoneAsync();
        });
    }

    [RoundcubeBrowserFact]
    public async Task Roundcube_at_a_phone_viewport_the_banner_fits_and_folds()
    {
        await BrowserRun.WithOneRetryIfChromiumExitsAsync(output, async () =>
        {
            await using var gw = await GatewayScenario.StartRoundcubeAsync(output, clients: 1);
            await new BrowserScenarios(gw, new RoundcubeUi(), output).PhoneAsync();
        });
    }

    /// <summary>
    /// Found by these tests: the knock page's SYNs, retransmitted by the client's kernel (default SYN retries), used to
    /// complete the knock again and open the window after a sign-out. The knock rules now drop a knock SYN whose
    /// source, knock port and source port were seen in the last 130 s (the per-service seen sets).
    /// </summary>
    [BrowserFact]
    public async Task After_a_sign_out_the_browser_knocks_retransmitted_SYNs_do_not_open_the_window_again()
    {
        await BrowserRun.WithOneRetryIfChromiumExitsAsync(output, async () =>
        {
            await using var gw = await GatewayScenario.StartAsync(output, clients: 1);
            await new BrowserScenarios(gw, new SquirrelMailUi(output), output).SignOutSoonAfterABrowserKnockAsync();
        });
    }
}
