using System.Net;
using WebKnock.Tests.Infrastructure;

namespace WebKnock.Tests.Admin;

/// <summary>Who gets the admin pages at all: the admin networks, windows, and an admin without administrators.</summary>
public sealed class AdminAccessTests
{
    private const string Inside = "198.51.100.80";
    private const string Outside = "198.51.100.90";

    [Fact]
    public async Task An_admin_network_reaches_the_admin_pages_without_a_window_and_nothing_else()
    {
        await using var gw = await AdminSite.StartAsync(("WebKnock:Admin:Networks:0", "198.51.100.80/29"));
        var admin = new AdminClient(gw.Client(Inside));

        var (toSignIn, _) = await admin.GetAsync();
        Assert.Equal(HttpStatusCode.Redirect, toSignIn.StatusCode);
        var signIn = await admin.FollowAsync(toSignIn);
        Assert.NotNull(signIn.QuerySelector("input[name=password]"));
        Assert.Equal(HttpStatusCode.OK, (await admin.Http.GetAsync("/admin/admin.js")).StatusCode);
        using var blazor = await admin.Http.GetAsync("/admin/_framework/blazor.web.js");
        Assert.Equal(HttpStatusCode.OK, blazor.StatusCode);
        Assert.Equal("text/javascript", blazor.Content.Headers.ContentType?.MediaType);
        Assert.True((await blazor.Content.ReadAsByteArrayAsync()).Length > 10_000, "blazor.web.js is empty");

        // The webmail and the gateway's own endpoints still need a window.
        Assert.True(await gw.Client(Inside).IsRefusedAsync());
        Assert.True(await gw.Client(Inside).IsRefusedAsync("/.webknock/status"));
        Assert.True(await gw.Client(Inside).IsRefusedAsync("/administrator"));
    }

    // Kernel twin: GatewayKnockTests.A_knock_with_the_knock_client_opens_443_to_A_only
    [Fact]
    public async Task Outside_the_admin_networks_without_a_window_the_gate_answers_nothing()
    {
        await using var gw = await AdminSite.StartAsync(("WebKnock:Admin:Networks:0", "198.51.100.80/29"));

        Assert.True(await gw.Client(Outside).IsRefusedAsync("/admin/sign-in"));
        Assert.True(await gw.Client(Outside).IsRefusedAsync("/admin/"));
    }

    [Fact]
    public async Task Outside_the_admin_networks_a_window_gets_the_webmail_but_404_for_the_admin()
    {
        await using var gw = await AdminSite.StartAsync(("WebKnock:Admin:Networks:0", "198.51.100.80/29"));
        await gw.KnockAsync(Outside);
        var client = gw.Client(Outside);

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/admin")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/admin/sign-in")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/admin/admin.js")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.NavigateAsync(WebmailClient.Base + "login.php")).StatusCode);
    }

    [Fact]
    public async Task Without_networks_any_address_with_a_window_gets_the_sign_in_page()
    {
        await using var gw = await AdminSite.StartAsync();
        Assert.True(await gw.Client(Outside).IsRefusedAsync("/admin/sign-in"));

        await gw.KnockAsync(Outside);
        Assert.Equal(HttpStatusCode.OK, (await gw.Client(Outside).GetAsync("/admin/sign-in")).StatusCode);
    }

    [Fact]
    public async Task Without_administrators_the_admin_path_is_404_and_never_proxied()
    {
        await using var gw = await GatewayHarness.StartAsync();
        await gw.KnockAsync(Outside);
        var client = gw.Client(Outside);

        foreach (var path in new[] { "/admin", "/admin/", "/admin/sign-in", "/admin/_framework/blazor.web.js" })
        {
            var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.DoesNotContain("SquirrelMail", await response.Content.ReadAsStringAsync());
        }

        using var post = await client.PostAsync("/admin/sign-in", new FormUrlEncodedContent(new Dictionary<string, string> { ["name"] = "root", ["password"] = "x" }));
        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
    }

    [Fact]
    public async Task The_admin_path_follows_the_configuration()
    {
        await using var gw = await AdminSite.StartAsync(("WebKnock:Admin:Path", "/ops/gate"));
        await gw.KnockAsync(Outside);
        var admin = new AdminClient(gw.Client(Outside), "/ops/gate");

        using var signIn = await admin.SignInAsync();
        Assert.Equal("/ops/gate/", signIn.Headers.Location!.PathAndQuery);
        var (now, page) = await admin.GetAsync();
        Assert.Equal(HttpStatusCode.OK, now.StatusCode);
        Assert.Equal("/ops/gate/", page.QuerySelector("base")!.GetAttribute("href"));
        Assert.Equal(["", "charts", "events", "users"], page.QuerySelectorAll(".admin-nav a").Select(a => a.GetAttribute("href")));
    }
}
