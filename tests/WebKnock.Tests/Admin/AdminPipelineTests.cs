using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using WebKnock.Tests.Infrastructure;

namespace WebKnock.Tests.Admin;

/// <summary>
/// The administrator's authentication runs for the administrator's pages only: never before the gate, never for a
/// request to the webmail (WebApplication would otherwise put it in front of the whole pipeline).
/// </summary>
public sealed class AdminPipelineTests
{
    private const string Knocked = "198.51.100.81";
    private const string Stranger = "198.51.100.82";

    [Fact]
    public async Task Authentication_runs_for_the_admin_pages_and_for_nothing_else()
    {
        var calls = new Counter();
        await using var gw = await GatewayHarness.StartAsync(AdminSite.Settings(), services => Count(services, calls));
        await gw.KnockAsync(Knocked);

        // An admin cookie on requests outside the admin path: webmail through the window, and a refused stranger.
        using var webmail = new HttpRequestMessage(HttpMethod.Get, "/squirrelmail/src/login.php");
        webmail.Headers.Add("Cookie", "webknock-admin=forged");
        using var proxied = await gw.Client(Knocked).SendAsync(webmail);
        Assert.Equal(HttpStatusCode.OK, proxied.StatusCode);
        Assert.True(await gw.Client(Stranger).IsRefusedAsync("/squirrelmail/src/login.php"));
        Assert.True(await gw.Client(Stranger).IsRefusedAsync("/admin/"));
        Assert.Equal(0, calls.Value);

        // The counter does count: the admin page authenticates (and sends the anonymous visitor to sign in).
        using var page = await gw.Client(Knocked).GetAsync("/admin/");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.True(calls.Value > 0, "the admin page did not authenticate");
    }

    private static void Count(IServiceCollection services, Counter calls)
    {
        services.TryAddScoped<AuthenticationService>();
        services.Replace(ServiceDescriptor.Scoped<IAuthenticationService>(sp => new CountingAuthentication(sp.GetRequiredService<AuthenticationService>(), calls)));
    }

    private sealed class Counter
    {
        private int _value;

        public int Value => Volatile.Read(ref _value);

        public void Add() => Interlocked.Increment(ref _value);
    }

    private sealed class CountingAuthentication(IAuthenticationService inner, Counter calls) : IAuthenticationService
    {
        public Task<AuthenticateResult> AuthenticateAsync(HttpContext context, string? scheme)
        {
            calls.Add();
            return inner.AuthenticateAsync(context, scheme);
        }

        public Task ChallengeAsync(HttpContext context, string? scheme, AuthenticationProperties? properties) => inner.ChallengeAsync(context, scheme, properties);

        public Task ForbidAsync(HttpContext context, string? scheme, AuthenticationProperties? properties) => inner.ForbidAsync(context, scheme, properties);

        public Task SignInAsync(HttpContext context, string? scheme, ClaimsPrincipal principal, AuthenticationProperties? properties) => inner.SignInAsync(context, scheme, principal, properties);

        public Task SignOutAsync(HttpContext context, string? scheme, AuthenticationProperties? properties) => inner.SignOutAsync(context, scheme, properties);
    }
}
