using System.Buffers.Binary;
using System.Security.Cryptography;

namespace WebKnock.Knocking.Totp;

/// <summary>
/// RFC 6238 time steps over RFC 4226 HOTP, written here on <see cref="System.Security.Cryptography"/>: the HMAC of the
/// big-endian 8-byte step counter is all a sequence needs, and the browser computes the same with WebCrypto.
/// </summary>
internal static class TotpCode
{
    /// <summary>RFC 6238's X: the length of a step.</summary>
    public static readonly TimeSpan Step = TimeSpan.FromSeconds(30);

    /// <summary>The step counter T = floor(unix time / 30) (T0 = 0).</summary>
    public static long Counter(DateTimeOffset time) => time.ToUnixTimeSeconds() / (long)Step.TotalSeconds;

    /// <summary>The HMAC of the step counter (RFC 4226 section 5.3, step 1), with SHA-1, SHA-256 or SHA-512.</summary>
    public static byte[] Hmac(ReadOnlySpan<byte> secret, long counter, HashAlgorithmName algorithm)
    {
        Span<byte> message = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(message, counter);
        if (algorithm == HashAlgorithmName.SHA1)
        {
            return HMACSHA1.HashData(secret, message);
        }

        if (algorithm == HashAlgorithmName.SHA256)
        {
            return HMACSHA256.HashData(secret, message);
        }

        if (algorithm == HashAlgorithmName.SHA512)
        {
            return HMACSHA512.HashData(secret, message);
        }

        throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm.Name, "SHA1, SHA256 or SHA512");
    }

    /// <summary>The RFC 4226 code: dynamic truncation of the HMAC, modulo 10^digits, as a zero-padded string.</summary>
    public static string Code(ReadOnlySpan<byte> secret, long counter, int digits, HashAlgorithmName algorithm)
    {
        var mac = Hmac(secret, counter, algorithm);
        var offset = mac[^1] & 0x0f;
        var binary = (BinaryPrimitives.ReadInt32BigEndian(mac.AsSpan(offset, 4)) & 0x7fffffff) % (int)Math.Pow(10, digits);
        return binary.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(digits, '0');
    }
}
