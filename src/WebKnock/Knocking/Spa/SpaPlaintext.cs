using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace WebKnock.Knocking.Spa;

/// <summary>
/// The decrypted fields of an fwknop message, colon-separated: random value, base64 user, timestamp, version,
/// message type, base64 access message (<c>198.51.100.2,tcp/443</c>), the optional server-auth and client-timeout
/// fields, and last the digest of everything before it (SHA-256 by default; its length tells the algorithm).
/// </summary>
internal static class SpaPlaintext
{
    private const int MinRandomLength = 16;
    private const int MaxUserLength = 64;
    private const int MaxTimestampLength = 12;
    private const int MaxVersionLength = 16;
    private const int MaxMessageLength = 512;

    /// <summary>Parses and checks the plaintext; the outcome is <see cref="SpaOutcome.Accepted"/> when <paramref name="message"/> is set.</summary>
    public static SpaOutcome TryParse(ReadOnlySpan<byte> plaintext, out SpaMessage? message)
    {
        message = null;
        foreach (var b in plaintext)
        {
            if (b is < 0x20 or > 0x7e)
            {
                return SpaOutcome.BadMessage;
            }
        }

        var text = Encoding.ASCII.GetString(plaintext);
        var last = text.LastIndexOf(':');
        if (last < 0)
        {
            return SpaOutcome.BadMessage;
        }

        var body = text[..last];
        var digest = text[(last + 1)..];
        if (Digest(digest.Length, Encoding.ASCII.GetBytes(body)) is not { } computed || !string.Equals(computed, digest, StringComparison.Ordinal))
        {
            return SpaOutcome.BadMessage;
        }

        var fields = body.Split(':');
        if (fields.Length < 6 || fields[0].Length < MinRandomLength)
        {
            return SpaOutcome.BadMessage;
        }

        if (!TryText(fields[1], MaxUserLength, out var user) || user.Length == 0
            || !TryNumber(fields[2], MaxTimestampLength, out var seconds) || seconds > 253_402_300_799
            || fields[3].Length is 0 or > MaxVersionLength
            || !TryNumber(fields[4], 1, out var type) || type > (long)SpaMessageType.ClientTimeoutLocalNatAccess
            || !TryText(fields[5], MaxMessageLength, out var access))
        {
            return SpaOutcome.BadMessage;
        }

        var messageType = (SpaMessageType)type;
        if (messageType is not (SpaMessageType.Access or SpaMessageType.ClientTimeoutAccess))
        {
            return SpaOutcome.Unsupported;
        }

        // After the access message: [server auth] for an access message, [server auth:]timeout for a timeout one.
        var rest = fields.AsSpan(6);
        long timeout = 0;
        if (messageType == SpaMessageType.ClientTimeoutAccess)
        {
            if (rest.Length is < 1 or > 2 || !TryNumber(rest[^1], 9, out timeout) || timeout > int.MaxValue)
            {
                return SpaOutcome.BadMessage;
            }

            rest = rest[..^1];
        }

        if (rest.Length > 1 || (rest.Length == 1 && !FwknopBase64.TryDecode(rest[0], out _)))
        {
            return SpaOutcome.BadMessage;
        }

        if (!TryAccess(access, out var address, out var ports))
        {
            return SpaOutcome.BadMessage;
        }

        message = new SpaMessage(user, DateTimeOffset.FromUnixTimeSeconds(seconds), fields[3], messageType, address, ports, (int)timeout, digest);
        return SpaOutcome.Accepted;
    }

    /// <summary>The base64 digest (no padding) of the algorithm whose digest has that length, or null.</summary>
    private static string? Digest(int length, byte[] data) => length switch
    {
        22 => FwknopBase64.Encode(MD5.HashData(data)),
        27 => FwknopBase64.Encode(SHA1.HashData(data)),
        43 => FwknopBase64.Encode(SHA256.HashData(data)),
        64 => FwknopBase64.Encode(SHA384.HashData(data)),
        86 => FwknopBase64.Encode(SHA512.HashData(data)),
        _ => null,
    };

    private static bool TryText(string field, int maxLength, out string text)
    {
        text = "";
        if (field.Length == 0 || !FwknopBase64.TryDecode(field, out var bytes) || bytes.Length > maxLength)
        {
            return false;
        }

        foreach (var b in bytes)
        {
            if (b is < 0x20 or > 0x7e)
            {
                return false;
            }
        }

        text = Encoding.ASCII.GetString(bytes);
        return true;
    }

    private static bool TryNumber(string field, int maxLength, out long value)
    {
        value = 0;
        return field.Length > 0 && field.Length <= maxLength && field.All(char.IsAsciiDigit)
            && long.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    /// <summary><c>ADDR,proto/port[,proto/port...]</c>: the address as written, and the ports (tcp or udp, 1-65535).</summary>
    internal static bool TryAccess(string access, out string address, out IReadOnlyList<SpaPortRequest> ports)
    {
        address = "";
        ports = [];
        var parts = access.Split(',');
        if (parts.Length < 2 || parts[0].Length == 0)
        {
            return false;
        }

        var list = new List<SpaPortRequest>();
        foreach (var part in parts.AsSpan(1))
        {
            var slash = part.IndexOf('/');
            if (slash <= 0)
            {
                return false;
            }

            var protocol = part[..slash].ToLowerInvariant();
            if (protocol is not ("tcp" or "udp") || !TryNumber(part[(slash + 1)..], 5, out var port) || port is < 1 or > 65535)
            {
                return false;
            }

            list.Add(new SpaPortRequest(protocol, (int)port));
        }

        address = parts[0];
        ports = list;
        return true;
    }
}
