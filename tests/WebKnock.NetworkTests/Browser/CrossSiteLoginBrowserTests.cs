using System.Globalization;
using WebKnock.NetworkTests.Gateway;
using WebKnock.NetworkTests.Infrastructure;
using Xunit.Abstractions;

namespace WebKnock.NetworkTests.Browser;

/// <summary>
/// A page on another origin that the user visits makes Chromium post ten wrong-password login forms to the gateway
/// (hidden iframes, submitted on load): the webmail refuses them all, and nothing changes for the user: the window
/// stays open, the address is not blocked. Before, the tenth closed the window and blocked the address for 30 min.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class CrossSiteLoginBrowserTests(ITestOutputHelper output)
{
    private const int SitePort = 8090;
    private const int Posts = 10;

    [BrowserFact]
    public async Task Ten_login_forms_auto_submitted_by_another_origin_s_page_change_nothing()
    {
        await BrowserRun.WithOneRetryIfChromiumExitsAsync(output, async () =>
        {
            await using var gw = await GatewayScenario.StartAsync(output, clients: 1);
            Assert.Equal(0, (await gw.KnockClientAsync(gw.A, TestNetwork.ServerV4.ToString(), "--ports", GatewayScenario.KnockPorts, "--check")).ExitCode);
            Assert.Contains(gw.A.V4, (await gw.AllowedAsync()).Keys);

            var folder = Path.Combine(gw.Directory, "other-site");
            Directory.CreateDirectory(folder);
            await File.WriteAllTextAsync(Path.Combine(folder, "cats.html"), Page(GatewayScenario.Url("/squirrelmail/src/redirect.php")));
            await using var site = NamespaceProcess.Start(gw.Server, "other-site",
                [BuildOutputs.Dotnet, typeof(KnockPageSite).Assembly.Location, "serve", TestNetwork.ServerV4.ToString(), SitePort.ToString(CultureInfo.InvariantCulture), folder],
                workingDirectory: folder);
            Assert.NotNull(await site.WaitForLineAsync("listening", TimeSpan.FromSeconds(60)));

            await using var browser = await NamespaceBrowser.LaunchAsync(gw.A.Namespace, output);
            var context = await browser.NewContextAsync();
            var page = await context.NewPageAsync();
            await page.GotoAsync($"http://{TestNetwork.ServerV4}:{SitePort}/cats.html");
            await page.WaitForFunctionAsync("document.title === 'submitted'", null, new() { Timeout = 10_000 });

            // Every post reached the gateway and the webmail refused it: the gateway logs each as a foreign post.
            const string Foreign = "Webmail login of {User} from {Address} failed, posted from another site's page";
            var seen = await Eventually.WaitAsync(() => gw.LogEvents(Foreign, ("Address", gw.A.V4.ToString())).Count >= Posts, TimeSpan.FromSeconds(30));
            output.WriteLine($"foreign posts logged: {gw.LogEvents(Foreign).Count}");
            Assert.True(seen is not null, $"the {Posts} posts did not all reach the gateway\n{gw.Diagnostics}");

            Assert.Contains(gw.A.V4, (await gw.AllowedAsync()).Keys);
            Assert.DoesNotContain(gw.A.V4, (await gw.BlockedAsync()).Keys);
            Assert.Empty(gw.LogEvents("{Failures} failed webmail logins from {Address}"));
            var login = await gw.CurlAsync(gw.A, GatewayScenario.Url(GatewayScenario.LoginPage));
            Assert.Equal(200, login.Status);
        });
    }

    /// <summary>Ten hidden forms, each into its own hidden iframe, submitted on load; the title says when.</summary>
    private static string Page(string action) => $$"""
        <!doctype html>
        <html><head><title>Cats</title></head>
        <body><h1>Cute cats</h1>
        <script>
        window.addEventListener('load', () => {
          for (let i = 0; i < {{Posts}}; i++) {
            const frame = document.createElement('iframe');
            frame.name = 'f' + i;
            frame.style.display = 'none';
            document.body.appendChild(frame);
            const form = document.createElement('form');
            form.method = 'POST';
            form.action = '{{action}}';
            form.target = 'f' + i;
            for (const [name, value] of [['login_username', 'alice'], ['secretkey', 'guess-' + i], ['js_autodetect_results', '1'], ['just_logged_in', '1']]) {
              const input = document.createElement('input');
              input.type = 'hidden';
              input.name = name;
              input.value = value;
              form.appendChild(input);
            }
            document.body.appendChild(form);
            form.submit();
          }
          document.title = 'submitted';
        });
        </script>
        </body></html>
        """;
}
