using Microsoft.AspNetCore.DataProtection;

namespace WebKnock.Admin;

/// <summary>
/// The status line shown once after an action's redirect (POST, redirect, GET): kept in a short-lived,
/// HttpOnly cookie on the admin path, protected so that nobody else can put words on the page. A query
/// string would let any link show any message.
/// </summary>
internal sealed class AdminFlash(IDataProtectionProvider protection)
{
    public const string CookieName = "webknock-admin-status";

    private readonly IDataProtector _protector = protection.CreateProtector("WebKnock.Admin.Flash");

    public void Set(HttpContext context, string message)
    {
        context.Response.Cookies.Append(CookieName, _protector.Protect(message), new CookieOptions
        {
            Path = PathOf(context),
            HttpOnly = true,
            Secure = context.Request.IsHttps,
            SameSite = SameSiteMode.Strict,
            MaxAge = TimeSpan.FromMinutes(1),
        });
    }

    /// <summary>The message set by the previous request, once; null when there is none or it was tampered with.</summary>
    public string? Take(HttpContext context)
    {
        if (!context.Request.Cookies.TryGetValue(CookieName, out var value))
        {
            return null;
        }

        if (!context.Response.HasStarted)
        {
            context.Response.Cookies.Delete(CookieName, new CookieOptions { Path = PathOf(context), Secure = context.Request.IsHttps, SameSite = SameSiteMode.Strict, HttpOnly = true });
        }

        try
        {
            return _protector.Unprotect(value);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    private static string PathOf(HttpContext context) => context.Request.PathBase.HasValue ? context.Request.PathBase.Value! : "/";
}
