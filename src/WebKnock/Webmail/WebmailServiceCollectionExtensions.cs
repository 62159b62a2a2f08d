using WebKnock.Configuration;
using WebKnock.Webmail;

namespace Microsoft.Extensions.DependencyInjection;

internal static class WebmailServiceCollectionExtensions
{
    /// <summary>The webmail profile chosen in configuration, the session tracker and its sweeper.</summary>
    public static IServiceCollection AddWebmail(this IServiceCollection services, WebKnockOptions options)
    {
        services.TryAddSingleton(_ => WebmailProfiles.Create(options.Upstream.Profile, options.Upstream.SessionCookie));
        services.TryAddSingleton<SessionTracker>();
        services.TryAddSingleton<WebmailSessions>();
        services.AddHostedService<SessionSweeper>();
        return services;
    }
}
