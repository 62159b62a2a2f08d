using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using WebKnock.Knocking;
using WebKnock.Windows;
using Xunit.Abstractions;

namespace WebKnock.Tests.Admin.Browser;

/// <summary>A fact that needs Debian's chromium, and skips, saying why, where there is none.</summary>
internal sealed class ChromiumFactAttribute : FactAttribute
{
    public const string Chromium = "/usr/bin/chromium";

    public ChromiumFactAttribute()
    {
        if (!File.Exists(Chromium))
        {
            Skip = $"needs Debian's chromium at {Chromium} (bash scripts/install-deps.sh test)";
        }
    }
}

/// <summary>
/// The admin pages in a real browser: Playwright drives Debian's chromium (no browser download) against the
/// gateway on a real port. Sign in, watch a window count down, close it, see it go; screenshots are kept in
/// artifacts/screenshots/.
/// </summary>
public sealed partial class AdminBrowserTests(ITestOutputHelper output)
{
    private const string Visitor = "198.51.100.23";
    private const string Latecomer = "198.51.100.24";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    // Kernel twin: GatewayAdminTests.The_administrator_s_extend_close_open_block_and_unblock_act_on_the_kernel_s_sets
    [ChromiumFact]
    public async Task Sign_in_watch_a_window_count_down_close_it_and_see_it_gone()
    {
        await using var gateway = new KestrelGateway(AdminSite.Settings());
        gateway.Start();
        var windows = gateway.Services.GetRequiredService<AccessWindowManager>();
        await windows.OpenForAsync(ServiceNames.Webmail, IPAddress.Parse(Visitor), TimeSpan.FromMinutes(30), WindowReason.Knock, CancellationToken.None);

        using var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumFactAttribute.Chromium,
            Headless = true,
            Timeout = (float)Bound.TotalMilliseconds,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        try
        {
            var context = await browser.NewContextAsync(new() { IgnoreHTTPSErrors = true, ViewportSize = new() { Width = 1280, Height = 860 } });
            var page = await context.NewPageAsync();
            page.SetDefaultTimeout((float)Bound.TotalMilliseconds);
            var problems = new List<string>();
            page.Console += (_, message) =>
            {
                if (message.Type == "error")
                {
                    problems.Add(message.Text);
                }
            };
            page.PageError += (_, error) => problems.Add(error);

            // Anonymous: the sign-in page.
            await page.GotoAsync(new Uri(gateway.BaseAddress, "/admin/").ToString());
            await page.WaitForURLAsync(new Regex("/admin/sign-in"));
            await page.FillAsync("input[name=name]", AdminSite.Name);
            await page.FillAsync("input[name=password]", AdminSite.Password);
            await page.ClickAsync("form.admin-signin button[type=submit]");
            await page.WaitForSelectorAsync("#now-live");

            // The window counts down in the page: read, then again once the text changes (a second on a quiet machine;
            // up to 10 s allowed, since on a loaded one the page script may start late). It must have gone down.
            var row = $"tr[data-window='webmail {Visitor}']";
            var countdown = page.Locator($"{row} .countdown");
            var first = Seconds(await countdown.TextContentAsync());
            var second = first;
            for (var waited = 0; second == first && waited < 10_000; waited += 250)
            {
                await Task.Delay(250);
                second = Seconds(await countdown.TextContentAsync());
            }

            output.WriteLine($"time left read {first} s, then {second} s");
            Assert.InRange(first, 28 * 60, 30 * 60);
            Assert.True(second < first, $"the countdown did not move: {first} s, then {second} s");

            // The page keeps itself current: a window opened now appears without a reload.
            await windows.OpenForAsync(ServiceNames.Webmail, IPAddress.Parse(Latecomer), TimeSpan.FromMinutes(10), WindowReason.Manual, CancellationToken.None);
            await page.WaitForSelectorAsync($"tr[data-window='webmail {Latecomer}']", new() { Timeout = 15_000 });

            await page.ScreenshotAsync(new() { Path = Screenshot("admin-now.png"), FullPage = true });

            // Close it: the row's button posts the close form; the page comes back without the row.
            await page.ClickAsync($"{row} button.close");
            await page.WaitForSelectorAsync(row, new() { State = WaitForSelectorState.Detached });
            Assert.Contains($"Closed the webmail window of {Visitor}", await page.Locator("#status").TextContentAsync());
            Assert.Null(windows.Get(ServiceNames.Webmail, IPAddress.Parse(Visitor)));
            Assert.Equal(1, await page.Locator($"tr[data-window='webmail {Latecomer}']").CountAsync());

            // The charts page, when this build has it.
            var chartsUrl = new Uri(gateway.BaseAddress, "/admin/charts").ToString();
            var charts = await context.APIRequest.GetAsync(chartsUrl, new() { IgnoreHTTPSErrors = true });
            if (charts.Status == 200)
            {
                await page.GotoAsync(chartsUrl);
                await page.ScreenshotAsync(new() { Path = Screenshot("admin-charts.png"), FullPage = true });
            }
            else
            {
                output.WriteLine($"no charts page in this build (HTTP {charts.Status}); no screenshot of it");
            }

            Assert.Empty(problems); // no script error, no blocked resource (CSP), no failed load
        }
        finally
        {
            await browser.CloseAsync();
        }
    }

    private static int Seconds(string? text)
    {
        var match = Clock().Match(text ?? "");
        Assert.True(match.Success, $"not a time left: \"{text}\"");
        var hours = match.Groups[1].Success ? int.Parse(match.Groups[1].Value) : 0;
        return (hours * 3600) + (int.Parse(match.Groups[2].Value) * 60) + int.Parse(match.Groups[3].Value);
    }

    /// <summary>artifacts/screenshots/NAME in the repository (found from the test's folder upwards).</summary>
    private static string Screenshot(string name)
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "WebKnock.sln")))
        {
            folder = folder.Parent;
        }

        var screenshots = Path.Combine(folder?.FullName ?? Path.GetTempPath(), "artifacts", "screenshots");
        Directory.CreateDirectory(screenshots);
        return Path.Combine(screenshots, name);
    }

    [GeneratedRegex(@"^(?:(\d+):)?(\d{2}):(\d{2})$")]
    private static partial Regex Clock();
}
