using Microsoft.Extensions.Options;
using WebKnock.Configuration;
using WebKnock.Webmail;

namespace Microsoft.Extensions.DependencyInjection;

internal static class WebmailServiceCollectionExtensions
{
    /// <summary>The webmail profile chosen in configuration, the session tracker and its sweeper.</summary>
    public static IServiceCollection AddWebmail(this IServiceCollection services)
    {
        services.TryAddSingleton(sp =>
        {
            var upstream = sp.GetRequiredService<IOptions<WebKnockOptions>>().Value.Upstream;
            return WebmailProfiles.Create(upstream.Profile, upstream.SessionCookie);
        });
        services.TryAddSingleton<SessionTracker>();
        services.TryAddSingleton<WebmailSessions>();
        services.TryAddSingleton<FailedLoginGuard>();
        services.AddHostedService<SessionSweeper>();
        return services;
    }
}
