using Microsoft.Extensions.Options;
using WebKnock.Admin;
using WebKnock.Configuration;
using WebKnock.Proxy.Gate;

namespace Microsoft.AspNetCore.Builder;

internal static partial class AdminApplicationBuilderExtensions
{
    /// <summary>
    /// Mounts the administrator's pages on <c>WebKnock:Admin:Path</c> (after the gate, before the proxy). The path
    /// becomes the requests' PathBase, so the pages route on "/", "/sign-in", "/charts"... whatever the path is.
    /// Nothing under it ever reaches the webmail upstream: off, or outside the admin networks, it answers 404.
    /// </summary>
    public static WebApplication UseWebKnockAdmin(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<AdminOptions>>().Value;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("WebKnock.Admin");
        if (!options.Enabled)
        {
            AdminOff(logger, options.Path);
        }
        else
        {
            AdminOn(logger, options.Path, options.Users.Length, options.Networks.Length == 0 ? "any address the gate lets through" : string.Join(", ", options.Networks));
        }

        // WebApplication adds authentication, authorization and anti-forgery in front of the whole pipeline when their
        // services exist and the app did not call them itself: before the gate, for every proxied request. They belong
        // to the administrator's pages only, which call them in their own branch below; mark them as placed.
        foreach (var key in AutoMiddlewareKeys)
        {
            ((IApplicationBuilder)app).Properties[key] = true;
        }

        var networks = NetworkList.TryParse(options.Networks, out var list, out _) ? list : NetworkList.Empty;
        app.Map(new PathString(options.Path), admin =>
        {
            admin.Use((context, next) =>
            {
                if (!options.Enabled || (networks.Networks.Count > 0 && !networks.Contains(context.ClientAddress())))
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return Task.CompletedTask;
                }

                var headers = context.Response.Headers;
                context.Response.OnStarting(() =>
                {
                    // Pages and actions are never cached; the static files say for themselves.
                    if (string.IsNullOrEmpty(context.Response.Headers.CacheControl))
                    {
                        context.Response.Headers.CacheControl = "no-store";
                    }

                    return Task.CompletedTask;
                });
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                headers.ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                    + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'";
                return next(context);
            });
            admin.UseRouting();
            admin.UseAuthentication();
            admin.UseAuthorization();
            admin.UseAntiforgery();
            admin.UseEndpoints(endpoints =>
            {
                endpoints.MapStaticAssets(); // _framework/blazor.web.js
                endpoints.MapGet("/{name:regex(^admin[-a-z0-9]*\\.(css|js)$)}", (string name, AdminAssets assets) => assets.Find(name) is { } file
                    ? Results.File(file, name.EndsWith(".js", StringComparison.Ordinal) ? "text/javascript" : "text/css")
                    : Results.NotFound());

                // Every page needs a signed-in administrator unless it says otherwise (the sign-in page).
                endpoints.MapRazorComponents<App>().RequireAuthorization();
            });
        });
        return app;
    }

    /// <summary>The keys by which WebApplication knows that these middleware were placed by the app.</summary>
    internal static readonly string[] AutoMiddlewareKeys = ["__AuthenticationMiddlewareSet", "__AuthorizationMiddlewareSet", "__AntiforgeryMiddlewareSet"];

    [LoggerMessage(8520, LogLevel.Warning, "The administrator's pages at {Path} are off: no administrator in WebKnock:Admin:Users. "
        + "To turn them on, make a hash with 'webknock hash-password' (it reads the password from standard input) and add "
        + "{{ \"Name\": ..., \"PasswordHash\": ... }} to WebKnock:Admin:Users, for example in /etc/webknock/appsettings.json")]
    private static partial void AdminOff(ILogger logger, string path);

    [LoggerMessage(8521, LogLevel.Information, "The administrator's pages are at {Path} for {Users} administrators, served to {Networks}")]
    private static partial void AdminOn(ILogger logger, string path, int users, string networks);
}
