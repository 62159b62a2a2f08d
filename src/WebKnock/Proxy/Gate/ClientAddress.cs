using System.Net;
using Microsoft.Extensions.Options;
using WebKnock.Configuration;

namespace WebKnock.Proxy.Gate;

/// <summary>
/// The address a request really comes from: the connection's, unless the connection is from a
/// configured trusted proxy; then the right-most address in X-Forwarded-For that is not itself a
/// trusted proxy. A client's own X-Forwarded-For is never believed. A proxy that names no client (no
/// header, a malformed one, only trusted proxies in it) fails closed: the request gets <see cref="Unknown"/>,
/// never the proxy's own address, so a proxy in an always-allowed or operations network lets nobody in.
/// </summary>
internal sealed class ClientAddressResolver(IOptions<WebKnockOptions> options)
{
    /// <summary>The client address of a request whose client cannot be known (<c>::</c>); the gate never lets it pass.</summary>
    public static readonly IPAddress Unknown = IPAddress.IPv6None;

    private readonly NetworkList _trusted = NetworkList.Parse(options.Value.Network.TrustedProxies);

    public IPAddress Resolve(HttpContext context)
    {
        var remote = context.Connection.RemoteIpAddress is { } r ? NetworkList.Normalize(r) : Unknown;
        if (!_trusted.Contains(remote))
        {
            return remote;
        }

        var forwarded = context.Request.Headers["X-Forwarded-For"];
        for (var h = forwarded.Count - 1; h >= 0; h--)
        {
            var parts = (forwarded[h] ?? "").Split(',', StringSplitOptions.TrimEntries);
            for (var i = parts.Length - 1; i >= 0; i--)
            {
                if (!TryParseHop(parts[i], out var hop))
                {
                    return Unknown; // a malformed chain proves nothing
                }

                if (!_trusted.Contains(hop))
                {
                    return hop;
                }
            }
        }

        return Unknown; // the proxy named no client
    }

    /// <summary>
    /// One hop of X-Forwarded-For: a plain IPv4 address in four dotted parts, or an IPv6 address (no port, no brackets,
    /// no zone), normalized. <see cref="IPAddress.TryParse(string, out IPAddress)"/> alone also takes "1" as 0.0.0.1.
    /// </summary>
    private static bool TryParseHop(string text, out IPAddress address)
    {
        address = Unknown;
        var ipv6 = text.Contains(':', StringComparison.Ordinal);
        if (text.Length == 0 || text.IndexOfAny(['[', ']', '%', ' ']) >= 0
            || (!ipv6 && (text.Split('.').Length != 4 || !text.All(c => char.IsAsciiDigit(c) || c == '.')))
            || !IPAddress.TryParse(text, out var parsed)
            || parsed.Equals(IPAddress.Any) || parsed.Equals(IPAddress.IPv6Any))
        {
            return false;
        }

        address = NetworkList.Normalize(parsed);
        return true;
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
