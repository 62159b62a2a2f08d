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
        await using var gw = await GatewayScenario.StartRoundcubeAsync(output, clients: 1, BrowserScenarios.DaySettings);
        await new BrowserScenarios(gw, new RoundcubeUi(), output).DayAsync();
    }

    [RoundcubeBrowserFact]
    public async Task Roundcube_two_browser_contexts_behind_one_address_the_first_sign_out_keeps_the_second_working()
    {
        await using var gw = await GatewayScenario.StartRoundcubeAsync(output, clients: 1);
        await new BrowserScenarios(gw, new RoundcubeUi(), output).SharedAddressAsync();
    }

    [BrowserFact]
    public async Task SquirrelMail_knock_page_login_banner_countdown_extend_attachments_and_sign_out_in_a_real_browser()
    {
        await using var gw = await GatewayScenario.StartAsync(output, clients: 1, BrowserScenarios.DaySettings);
        await new BrowserScenarios(gw, new SquirrelMailUi(), output).DayAsync();
    }

    [BrowserFact]
    public async Task SquirrelMail_two_browser_contexts_behind_one_address_the_first_sign_out_keeps_the_second_working()
    {
        await using var gw = await GatewayScenario.StartAsync(output, clients: 1);
        await new BrowserScenarios(gw, new SquirrelMailUi(), output).SharedAddressAsync();
    }

    /// <summary>
    /// Known issue, found by these tests: the knock page's SYNs, retransmitted by the client's kernel for about 40 s,
    /// complete the knock again and so open the window after a sign-out (seen 2.2 s after it, for a whole window).
    /// Skipped until the knock rules tell a retransmitted SYN (same source port) from a new one; then make it a
    /// <see cref="BrowserFactAttribute"/>.
    /// </summary>
    [Fact(Skip = "Known issue: after a sign-out, the browser knock's SYNs, retransmitted by the client's kernel, open the window again (the knock rules count retransmissions).")]
    public async Task After_a_sign_out_the_browser_knocks_retransmitted_SYNs_do_not_open_the_window_again()
    {
        await using var gw = await GatewayScenario.StartAsync(output, clients: 1);
        await new BrowserScenarios(gw, new SquirrelMailUi(), output).SignOutSoonAfterABrowserKnockAsync();
    }
}
