using System.Net;
using Microsoft.Extensions.Options;
using WebKnock.Configuration;

namespace WebKnock.Proxy.Gate;

/// <summary>
/// The address a request really comes from: the connection's, unless the connection is from a
/// configured trusted proxy; then the right-most address in X-Forwarded-For that is not itself a
/// trusted proxy. A client's own X-Forwarded-For is never believed.
/// </summary>
internal sealed class ClientAddressResolver(IOptions<WebKnockOptions> options)
{
    private readonly NetworkList _trusted = NetworkList.Parse(options.Value.Network.TrustedProxies);

    public IPAddress Resolve(HttpContext context)
    {
        var remote = context.Connection.RemoteIpAddress is { } r ? NetworkList.Normalize(r) : IPAddress.IPv6None;
        if (!_trusted.Contains(remote))
        {
            return remote;
        }

        var forwarded = context.Request.Headers["X-Forwarded-For"];
        for (var h = forwarded.Count - 1; h >= 0; h--)
        {
            var parts = (forwarded[h] ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            for (var i = parts.Length - 1; i >= 0; i--)
            {
                if (!IPAddress.TryParse(parts[i], out var hop))
                {
                    return remote; // a malformed chain proves nothing: the proxy's own address has no window
                }

                hop = NetworkList.Normalize(hop);
                if (!_trusted.Contains(hop))
                {
                    return hop;
                }
            }
        }

        return remote;
    }
}

/// <summary>The resolved client address of a request, set once by the gate.</summary>
internal sealed class ClientAddressFeature(IPAddress address)
{
    public IPAddress Address { get; } = address;
}

internal static class ClientAddressHttpContextExtensions
{
    public static IPAddress ClientAddress(this HttpContext context) =>
        context.Features.Get<ClientAddressFeature>()?.Address
        ?? throw new InvalidOperationException("The gate middleware has not run for this request.");
}
