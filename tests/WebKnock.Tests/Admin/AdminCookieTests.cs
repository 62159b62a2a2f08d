using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WebKnock.Admin;
using WebKnock.Tests.Infrastructure;

namespace WebKnock.Tests.Admin;

/// <summary>The admin's cookies stay on the admin path: the webmail upstream never sees them, nor any admin request.</summary>
public sealed class AdminCookieTests : IAsyncLifetime
{
    private const string A = "198.51.100.100";
    private readonly ConcurrentQueue<(string Path, string Cookie)> _seen = new();
    private WebApplication _upstream = null!;
    private GatewayHarness _gw = null!;

    public async Task InitializeAsync()
    {
        // An upstream that records what reaches it.
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _upstream = builder.Build();
        _upstream.Run(context =>
        {
            _seen.Enqueue((context.Request.Path.Value ?? "", context.Request.Headers.Cookie.ToString()));
            context.Response.ContentType = "text/html";
            return context.Response.WriteAsync("<html><body>upstream</body></html>");
        });
        await _upstream.StartAsync();
        var url = _upstream.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        _gw = await AdminSite.StartAsync(("WebKnock:Upstream:Url", url + "/"));
        await _gw.KnockAsync(A);
    }

    public async Task DisposeAsync()
    {
        await _gw.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task The_session_cookie_is_on_the_admin_path_http_only_secure_and_strict()
    {
        var admin = new AdminClient(_gw.Client(A));
        using var response = await admin.SignInAsync();

        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(AdminAuthentication.CookieName + "=", StringComparison.Ordinal));
        var attributes = cookie.Split("; ").Skip(1).Select(a => a.ToLowerInvariant()).ToList();
        Assert.Contains("path=/admin", attributes);
        Assert.Contains("httponly", attributes);
        Assert.Contains("secure", attributes);
        Assert.Contains("samesite=strict", attributes);
    }

    [Fact]
    public async Task The_gateways_own_anti_forgery_cookie_stays_on_its_prefix()
    {
        using var response = await _gw.Client(A).GetAsync("/.webknock/token");

        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".webknock.af=", StringComparison.Ordinal));
        Assert.Contains("path=/.webknock/", cookie.ToLowerInvariant());
    }

    [Fact]
    public async Task The_admins_anti_forgery_cookie_is_on_the_admin_path()
    {
        using var response = await _gw.Client(A).GetAsync("/admin/sign-in");

        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".webknock.af=", StringComparison.Ordinal));
        Assert.Contains("path=/admin;", cookie.ToLowerInvariant() + ";");
    }

    [Fact]
    public async Task The_webmail_upstream_never_receives_the_admin_cookies_nor_admin_requests()
    {
        var client = _gw.Client(A);
        var admin = new AdminClient(client);
        (await admin.SignInAsync()).Dispose();
        (await admin.GetAsync()).Response.Dispose();

        // The client holds the admin's cookies (session and anti-forgery) and sends them where their path allows.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/admin/")).StatusCode); // signed in

        foreach (var path in new[] { "/", "/squirrelmail/src/right_main.php", "/adminx", "/admin.php" })
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(path)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/admin/no-such-page")).StatusCode);

        Assert.Equal(["/", "/squirrelmail/src/right_main.php", "/adminx", "/admin.php"], _seen.Select(s => s.Path));
        Assert.All(_seen, s => Assert.DoesNotContain(AdminAuthentication.CookieName, s.Cookie));
        Assert.All(_seen, s => Assert.DoesNotContain(".webknock.af", s.Cookie));
    }
}
