using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace WebKnock.Firewall.Nftables;

/// <summary>
/// Addresses as they may be written into an nft command: parsed, canonical, never a host name
/// (nft would resolve one), IPv4-mapped IPv6 as IPv4, no scope id.
/// </summary>
internal static class NftAddress
{
    /// <summary>The canonical form of <paramref name="address"/>.</summary>
    public static IPAddress Canonical(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => address,
            AddressFamily.InterNetworkV6 => address.ScopeId == 0 ? address : new IPAddress(address.GetAddressBytes()),
            _ => throw new ArgumentException($"Not an IP address: {address.AddressFamily}.", nameof(address)),
        };
    }

    /// <summary>Parses text that must be an IP address (never a name) into its canonical form.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        if (string.IsNullOrWhiteSpace(text) || !IPAddress.TryParse(text.Trim(), out var parsed)
            || parsed.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
        {
            return false;
        }

        address = Canonical(parsed);
        return true;
    }

    /// <summary>The text nft gets: canonical, validated once more by a round trip through the parser.</summary>
    public static string Format(IPAddress address)
    {
        var text = Canonical(address).ToString();
        if (!IPAddress.TryParse(text, out _))
        {
            throw new ArgumentException("The address has no canonical text form.", nameof(address));
        }

        return text;
    }

    /// <summary>
    /// The text nft gets for a network: <c>base/length</c>, the base canonical and without host bits (a /32 or /128
    /// is written as a prefix too; nft lists it back as a bare address).
    /// </summary>
    public static string FormatNetwork(IPNetwork network)
    {
        var address = network.BaseAddress;
        if (address.IsIPv4MappedToIPv6 || address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
        {
            throw new ArgumentException($"Not an IPv4 or IPv6 network: {network}.", nameof(network));
        }

        var text = $"{Format(address)}/{network.PrefixLength.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        if (!IPNetwork.TryParse(text, out var parsed) || parsed != network)
        {
            throw new ArgumentException($"The network {network} has no canonical text form.", nameof(network));
        }

        return text;
    }

    /// <summary>4 or 6: the suffix of the set that holds addresses of this family.</summary>
    public static char FamilySuffix(IPAddress address)
        => Canonical(address).AddressFamily == AddressFamily.InterNetwork ? '4' : '6';

    /// <summary>nft time in milliseconds, at least 1 s (a zero timeout would mean "never").</summary>
    public static string FormatTimeout(TimeSpan timeout)
    {
        var ms = (long)Math.Ceiling(timeout.TotalMilliseconds);
        return $"{Math.Max(ms, 1000)}ms";
    }
}
