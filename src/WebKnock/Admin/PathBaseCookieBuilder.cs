namespace WebKnock.Admin;

/// <summary>
/// The anti-forgery cookie's builder, made to follow the request: under a PathBase (the admin, mounted on its
/// path) the anti-forgery store puts the cookie on that PathBase, because this builder's <see cref="CookieBuilder.Path"/>
/// is null; elsewhere it goes on the path the gateway configured (its prefix). Either way the webmail upstream,
/// which lives on "/", never receives it.
/// </summary>
internal sealed class PathBaseCookieBuilder : CookieBuilder
{
    private readonly string? _pathWithoutBase;

    public PathBaseCookieBuilder(CookieBuilder configured)
    {
        _pathWithoutBase = configured.Path;
        Name = configured.Name;
        Domain = configured.Domain;
        HttpOnly = configured.HttpOnly;
        SameSite = configured.SameSite;
        SecurePolicy = configured.SecurePolicy;
        Expiration = configured.Expiration;
        MaxAge = configured.MaxAge;
        IsEssential = configured.IsEssential;
        foreach (var extension in configured.Extensions)
        {
            Extensions.Add(extension);
        }

        Path = null;
    }

    public override CookieOptions Build(HttpContext context, DateTimeOffset expiresFrom)
    {
        var options = base.Build(context, expiresFrom);
        if (!context.Request.PathBase.HasValue && _pathWithoutBase is not null)
        {
            options.Path = _pathWithoutBase;
        }

        return options;
    }
}
