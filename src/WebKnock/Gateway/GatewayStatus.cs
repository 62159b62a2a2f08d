using System.Net;
using WebKnock.Knocking;
using WebKnock.Webmail;
using WebKnock.Windows;

namespace WebKnock.Gateway;

/// <summary>The answer of <c>GET {prefix}status</c>: what the banner shows.</summary>
public sealed record GatewayStatus(string Address, bool Open, DateTimeOffset? ExpiresAt, int RemainingSeconds, int Sessions)
{
    internal static GatewayStatus For(IPAddress address, AccessWindowManager windows, SessionTracker sessions, TimeProvider time)
    {
        // The address's own window or a network window that holds it, whichever lasts longer.
        var until = windows.OpenUntil(ServiceNames.Webmail, address);
        var now = time.GetUtcNow();
        var open = until is { } u && u > now;
        return new GatewayStatus(
            address.ToString(),
            open,
            open ? until : null,
            open ? (int)Math.Ceiling((until!.Value - now).TotalSeconds) : 0,
            sessions.ForAddress(address).Count);
    }
}

/// <summary>The answer of <c>GET {prefix}token</c>: the anti-forgery token for the Extend button.</summary>
internal sealed record TokenResponse(string Token, string HeaderName);
