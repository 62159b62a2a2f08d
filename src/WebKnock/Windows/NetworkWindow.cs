using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace WebKnock.Windows;

/// <summary>
/// A snapshot of one open network window: a service opened by an administrator for every address of a network
/// (the paper's "allow that organisation temporarily") until a deadline; or by a knock user's credential for the
/// knocker's prefix (<c>CredentialOpens = Prefix</c>), when <paramref name="User"/> names that user.
/// </summary>
public sealed record NetworkWindow(
    string Service,
    IPNetwork Network,
    DateTimeOffset OpenedAt,
    DateTimeOffset ExpiresAt,
    WindowReason OpenedBy,
    string? User = null)
{
    public TimeSpan Remaining(DateTimeOffset now) => ExpiresAt > now ? ExpiresAt - now : TimeSpan.Zero;
}

/// <summary>Raised after a network window closed, with why.</summary>
public sealed record NetworkWindowClosed(NetworkWindow Window, WindowReason Reason);

/// <summary>Reads what an administrator types as a network window's network.</summary>
public static class NetworkWindowInput
{
    /// <summary>
    /// Parses <c>198.51.100.0/24</c>, <c>2001:db8:5::/48</c>, or a single address (a /32 or /128). Host bits after the
    /// prefix are an error that names the network meant (<c>198.51.100.7/24</c>: "did you mean 198.51.100.0/24?"), as
    /// is IPv4-mapped IPv6 (give the IPv4 form). <paramref name="error"/> is a sentence for the administrator.
    /// </summary>
    public static bool TryParse(string? text, out IPNetwork network, out string error)
    {
        network = default;
        error = "";
        var trimmed = text?.Trim() ?? "";
        var slash = trimmed.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? trimmed : trimmed[..slash];
        if (!IPAddress.TryParse(addressText, out var address) || address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
            || addressText.Contains('%', StringComparison.Ordinal))
        {
            error = $"\"{trimmed}\" is not a network: write it as 198.51.100.0/24 or 2001:db8:5::/48.";
            return false;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            error = $"\"{trimmed}\" is IPv4-mapped IPv6: write the IPv4 network ({address.MapToIPv4()}...).";
            return false;
        }

        var bits = address.GetAddressBytes().Length * 8;
        var length = bits;
        if (slash >= 0 && (!int.TryParse(trimmed[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out length) || length > bits))
        {
            error = $"\"{trimmed}\" has no valid prefix length: after the '/' comes 0 to {bits}.";
            return false;
        }

        var masked = Mask(address, length);
        if (!masked.Equals(address))
        {
            error = $"\"{trimmed}\" has bits set after its /{length} prefix: did you mean {masked}/{length}?";
            return false;
        }

        network = new IPNetwork(masked, length);
        return true;
    }

    /// <summary>The address with every bit after <paramref name="prefixLength"/> cleared.</summary>
    internal static IPAddress Mask(IPAddress address, int prefixLength)
    {
        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(prefixLength - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }

        return new IPAddress(bytes);
    }
}
