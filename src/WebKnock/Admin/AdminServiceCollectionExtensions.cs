using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using WebKnock.Admin;
using WebKnock.Configuration;
using WebKnock.Proxy.Gate;

namespace Microsoft.Extensions.DependencyInjection;

internal static class AdminServiceCollectionExtensions
{
    /// <summary>
    /// The administrator's pages (<c>WebKnock:Admin</c>): Blazor with static server rendering only, cookie sign-in
    /// with lockout, the Now page's view and actions, and the gate's exemption for the admin networks.
    /// </summary>
    public static IServiceCollection AddWebKnockAdmin(this IServiceCollection services)
    {
        services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AdminOptions>, AdminOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        // Static server rendering: every action is a plain form POST that the anti-forgery middleware checks,
        // and there is no SignalR circuit to expose on an edge gateway. No interactive render mode is added.
        services.AddRazorComponents();
        services.AddCascadingAuthenticationState();

        services.AddAuthentication(AdminAuthentication.Scheme).AddCookie(AdminAuthentication.Scheme);
        services.AddOptions<CookieAuthenticationOptions>(AdminAuthentication.Scheme)
            .Configure<IOptions<AdminOptions>, TimeProvider>((cookie, admin, time) => ConfigureCookie(cookie, admin.Value, time));
        services.AddAuthorizationBuilder().SetDefaultPolicy(
            new AuthorizationPolicyBuilder(AdminAuthentication.Scheme).RequireAuthenticatedUser().Build());

        // One anti-forgery setup serves the gateway's endpoints and the admin: its cookie goes on the admin path
        // for the admin (the request's PathBase there) and on the gateway's prefix elsewhere, never on "/".
        services.PostConfigure<AntiforgeryOptions>(o => o.Cookie = new PathBaseCookieBuilder(o.Cookie));

        services.TryAddSingleton<SignInLockout>();
        services.TryAddSingleton<AdminSignIn>();
        services.TryAddSingleton<AdminActions>();
        services.TryAddSingleton<NowView>();
        services.TryAddSingleton<WebKnock.Admin.Users.KnockUserActions>();
        services.TryAddSingleton<AdminFlash>();
        services.TryAddSingleton<AdminAssets>();
        services.TryAddSingleton<WindowExtensions>();
        services.AddHostedService(sp => sp.GetRequiredService<WindowExtensions>());

        // Addresses in the admin networks pass the gate for the admin path (pages, scripts, styles) without a window,
        // and only for it; the admin's own middleware checks the address again (outside the networks: 404).
        services.AddSingleton(sp =>
        {
            var admin = sp.GetRequiredService<IOptions<AdminOptions>>().Value;
            var networks = admin.Enabled && NetworkList.TryParse(admin.Networks, out var list, out _) ? list : NetworkList.Empty;
            return new GateExemption("admin", new Microsoft.AspNetCore.Http.PathString(admin.Path), Prefix: true, networks);
        });
        return services;
    }

    private static void ConfigureCookie(CookieAuthenticationOptions cookie, AdminOptions admin, TimeProvider time)
    {
        cookie.Cookie.Name = AdminAuthentication.CookieName;
        cookie.Cookie.Path = admin.Path; // the webmail upstream never receives it
        cookie.Cookie.HttpOnly = true;
        cookie.Cookie.SecurePolicy = Microsoft.AspNetCore.Http.CookieSecurePolicy.Always;
        cookie.Cookie.SameSite = Microsoft.AspNetCore.Http.SameSiteMode.Strict;
        cookie.Cookie.IsEssential = true;

        // Relative to the admin path (the PathBase of every admin request).
        cookie.LoginPath = "/sign-in";
        cookie.LogoutPath = "/sign-in";
        cookie.AccessDeniedPath = "/sign-in";
        cookie.ExpireTimeSpan = admin.SessionLifetime;
        cookie.SlidingExpiration = true;
        cookie.TimeProvider = time;
        cookie.Events.OnCheckSlidingExpiration = context =>
        {
            // The page script's refreshes do not count as the administrator's activity.
            if (context.Request.Headers.ContainsKey(AdminAuthentication.RefreshHeader))
            {
                context.ShouldRenew = false;
            }

            return Task.CompletedTask;
        };
    }
}
