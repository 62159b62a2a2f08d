using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Options;
using WebKnock.Configuration;
using WebKnock.Proxy;
using WebKnock.Proxy.Banner;
using WebKnock.Proxy.Gate;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Transforms;

namespace Microsoft.Extensions.DependencyInjection;

internal static class ProxyServiceCollectionExtensions
{
    public const string RouteId = "webmail";

    /// <summary>Forwarding headers a client may send that never reach the upstream as sent.</summary>
    internal static readonly string[] ClientForwardingHeaders = ["Forwarded", "X-Forwarded-For", "X-Real-IP", "X-Forwarded-Prefix"];

    /// <summary>The gate, the banner, and YARP forwarding everything else to the webmail upstream.</summary>
    public static IServiceCollection AddWebKnockProxy(this IServiceCollection services)
    {
        services.TryAddSingleton<ClientAddressResolver>();
        services.TryAddSingleton<ConnectionRegistry>();
        services.TryAddSingleton<StrangerConnections>();
        services.TryAddSingleton(_ => BannerAssets.Load(ProxyApplicationBuilderExtensions.FilesFolder));
        services.TryAddSingleton<BannerRenderer>();
        services.TryAddSingleton<WebmailProxyMiddleware>();
        services.AddAntiforgery();
        services.AddOptions<AntiforgeryOptions>().Configure<IOptions<WebKnockOptions>>((o, webknock) =>
        {
            o.HeaderName = GatewayEndpoints.TokenHeader;
            o.Cookie.Name = ".webknock.af";
            o.Cookie.Path = webknock.Value.PathPrefix; // never sent to, nor seen by, the upstream
            o.Cookie.SameSite = Microsoft.AspNetCore.Http.SameSiteMode.Strict;
            o.Cookie.SecurePolicy = Microsoft.AspNetCore.Http.CookieSecurePolicy.Always; // like the admin's: never over plain HTTP
        });

        services.AddSingleton<IProxyConfigProvider>(sp => UpstreamConfig(sp.GetRequiredService<IOptions<WebKnockOptions>>().Value.Upstream));
        services.AddReverseProxy()
            .AddTransforms(context =>
            {
                // The upstream learns the real client, as the gate resolved it, never a client's own header:
                // X-Forwarded-Proto and -Host are set from the request, X-Forwarded-For and X-Real-IP to the client's
                // address (Roundcube reads either from a proxy in its proxy_whitelist); what the gateway does not set is
                // removed, since the upstream might believe it (RFC 7239's Forwarded, X-Forwarded-Prefix).
                context.UseDefaultForwarders = false;
                context.AddXForwardedProto();
                context.AddXForwardedHost();
                context.AddRequestTransform(t =>
                {
                    var headers = t.ProxyRequest.Headers;
                    foreach (var name in ClientForwardingHeaders)
                    {
                        headers.Remove(name);
                    }

                    var client = t.HttpContext.ClientAddress().ToString();
                    headers.TryAddWithoutValidation("X-Forwarded-For", client);
                    headers.TryAddWithoutValidation("X-Real-IP", client);
                    return ValueTask.CompletedTask;
                });
            });
        return services;
    }

    private static InMemoryConfigProvider UpstreamConfig(UpstreamOptions upstream)
    {
        var route = new RouteConfig { RouteId = RouteId, ClusterId = RouteId, Match = new RouteMatch { Path = "{**catch-all}" } };
        var cluster = new ClusterConfig
        {
            ClusterId = RouteId,
            Destinations = new Dictionary<string, DestinationConfig> { ["upstream"] = new() { Address = upstream.Url } },
        };
        return new InMemoryConfigProvider([route], [cluster]);
    }
}
