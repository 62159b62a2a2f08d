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

    /// <summary>The gate, the banner, and YARP forwarding everything else to the webmail upstream.</summary>
    public static IServiceCollection AddWebKnockProxy(this IServiceCollection services)
    {
        services.TryAddSingleton<ClientAddressResolver>();
        services.TryAddSingleton<ConnectionRegistry>();
        services.TryAddSingleton<StrangerConnections>();
        services.TryAddSingleton<BannerRenderer>();
        services.TryAddSingleton<WebmailProxyMiddleware>();
        services.AddAntiforgery();
        services.AddOptions<AntiforgeryOptions>().Configure<IOptions<WebKnockOptions>>((o, webknock) =>
        {
            o.HeaderName = GatewayEndpoints.TokenHeader;
            o.Cookie.Name = ".webknock.af";
            o.Cookie.Path = webknock.Value.PathPrefix; // never sent to, nor seen by, the upstream
            o.Cookie.SameSite = Microsoft.AspNetCore.Http.SameSiteMode.Strict;
        });

        services.AddSingleton<IProxyConfigProvider>(sp => UpstreamConfig(sp.GetRequiredService<IOptions<WebKnockOptions>>().Value.Upstream));
        services.AddReverseProxy()
            .AddTransforms(context =>
            {
                // The upstream learns the real client, as the gate resolved it, never a client's own header.
                context.UseDefaultForwarders = false;
                context.AddXForwardedProto();
                context.AddXForwardedHost();
                context.AddRequestTransform(t =>
                {
                    t.ProxyRequest.Headers.Remove("X-Forwarded-For");
                    t.ProxyRequest.Headers.TryAddWithoutValidation("X-Forwarded-For", t.HttpContext.ClientAddress().ToString());
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
