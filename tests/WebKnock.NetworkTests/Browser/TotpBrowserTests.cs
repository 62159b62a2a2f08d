using System.Globalization;
using WebKnock.Knocking.Totp;
using WebKnock.Knocking.Users;
using WebKnock.NetworkTests.Gateway;
using WebKnock.NetworkTests.Infrastructure;
using Xunit.Abstractions;

namespace WebKnock.NetworkTests.Browser;

/// <summary>
/// Chromium in client namespace A opens the knock page with an enrolment link, the page forgets the fragment, knocks
/// with the TOTP sequence it derives with WebCrypto, and reaches the webmail, with the plain sequence switched off.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class TotpBrowserTests(ITestOutputHelper output)
{
    private const string Secret = "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU";

    [BrowserFact]
    public async Task The_knock_page_takes_an_enrolment_link_forgets_the_fragment_knocks_with_TOTP_and_reaches_the_webmail()
    {
        await BrowserRun.WithOneRetryIfChromiumExitsAsync(output, async () =>
        {
            await using var gw = await GatewayScenario.StartAsync(output, clients: 1,
                "WebKnock:Webmail:Knock:Plain=false",
                "WebKnock:Webmail:Knock:Totp:Enabled=true",
                "WebKnock:Knock:Users:0:Name=alice",
                $"WebKnock:Knock:Users:0:TotpSecret={Secret}");
            var ui = new SquirrelMailUi(output);
            var a = gw.A;
            Base32.TryDecode(Secret, out var secret);
            var fragment = TotpEnrolment.Fragment(new KnockUser("alice", true, secret, [], []), new TotpPortPool(20000, 29999, [443, 7000, 8000, 9000]), 3);

            // WebCrypto needs a secure context: deployments serve the page over https; the test server is plain http.
            var origin = $"http://{TestNetwork.ServerV4}:{KnockPageSite.Port.ToString(CultureInfo.InvariantCulture)}";
            await using var browser = await NamespaceBrowser.LaunchAsync(a.Namespace, output, $"--unsafely-treat-insecure-origin-as-secure={origin}");
            var page = await (await browser.NewContextAsync()).NewPageAsync();
            await using (var site = await KnockPageSite.StartAsync(gw, ui.LoginUrl, redirectDelayMs: 500))
            {
                // The plain sequence is off: the kernel has no knock rules for it any more.
                var plain = await gw.KnockClientAsync(a, TestNetwork.ServerV4.ToString(), "--ports", GatewayScenario.KnockPorts, "--check", "--check-timeout-ms", "1500");
                Assert.Equal(1, plain.ExitCode);

                await page.GotoAsync(KnockPageSite.Url + fragment);
                await page.WaitForURLAsync(url => url.StartsWith(ui.LoginUrl, StringComparison.Ordinal), new() { Timeout = 20_000 });

                // Back in the history: the knock page's entry no longer holds the fragment (replaceState), the storage does.
                await page.GoBackAsync();
                Assert.Equal(KnockPageSite.Url, page.Url);
                var stored = await page.EvaluateAsync<string>("localStorage.getItem('webknock-totp')");
                Assert.Contains(Secret, stored, StringComparison.Ordinal);
            }

            Assert.Contains(a.V4, (await gw.AllowedAsync()).Keys);
            // Two knocks: the first, and the one the page made again when the history brought it back (step t+1: a step
            // opens once, so the page moves on to the next).
            var opened = gw.LogEvents("TOTP knock of {Service} by user {User}", ("Address", a.V4.ToString()));
            Assert.NotEmpty(opened);
            Assert.All(opened, e => Assert.Equal("alice", e["User"]));
            Assert.Equal(opened.Count, opened.Select(e => e["Counter"]).Distinct().Count());
            Assert.Equal(200, (await gw.CurlAsync(a, ui.LoginUrl)).Status);

            // No secret in the page's files, nor in anything the gateway logged.
            foreach (var file in Directory.EnumerateFiles(Path.Combine(gw.Directory, "knock-site")))
            {
                Assert.DoesNotContain(Secret, await File.ReadAllTextAsync(file), StringComparison.OrdinalIgnoreCase);
            }

            Assert.DoesNotContain(gw.LogEvents(), e => e.Values.Any(v => v.Contains(Secret, StringComparison.OrdinalIgnoreCase)));
        });
    }
}
