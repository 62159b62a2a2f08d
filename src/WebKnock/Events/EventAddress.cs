using System.Net;

namespace WebKnock.Events;

/// <summary>The one text form of an address in the store, so that equal addresses compare equal in SQL.</summary>
internal static class EventAddress
{
    /// <summary>IPv4-mapped IPv6 becomes IPv4; the IPv6 zone (scope id) is dropped; IPv6 is RFC 5952 text.</summary>
    public static IPAddress Canonical(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        return address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && address.ScopeId != 0
            ? new IPAddress(address.GetAddressBytes())
            : address;
    }

    public static string ToText(IPAddress address) => Canonical(address).ToString();

    public static IPAddress? Parse(string? text) => text is not null && IPAddress.TryParse(text, out var address) ? address : null;
}
