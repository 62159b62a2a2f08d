using System.Security.Cryptography;
using System.Text;

namespace WebKnock.Knocking.Spa;

/// <summary>
/// The outside of an fwknop SPA packet (Rijndael mode with HMAC-SHA256): base64 text whose last 43 characters are
/// the HMAC, and before them the ciphertext, an OpenSSL-style "Salted__" block whose constant base64 start
/// ("U2FsdGVkX1") the client strips. The HMAC covers the ciphertext's text with that start put back, and is checked
/// (in constant time) before anything is decrypted: encrypt-then-authenticate.
/// </summary>
internal static class SpaEnvelope
{
    /// <summary>The HMAC-SHA256 in base64 without padding.</summary>
    public const int HmacLength = 43;

    /// <summary>A UDP payload longer than this is not an SPA packet (fwknop's limit is 1500 bytes).</summary>
    public const int MaxLength = 1500;

    /// <summary>Salted__, salt, one block of ciphertext, then the HMAC: the shortest that can be one.</summary>
    public const int MinLength = 22 + HmacLength;

    private const string SaltedPrefix = "U2FsdGVkX1";
    private const int SaltLength = 8;
    private const int BlockLength = 16;
    private static readonly byte[] Salted = "Salted__"u8.ToArray();

    /// <summary>Splits the payload into the authenticated text and its HMAC; false when it cannot be an SPA packet.</summary>
    public static bool TrySplit(ReadOnlySpan<byte> payload, out byte[] authenticated, out byte[] hmac)
    {
        authenticated = [];
        hmac = [];
        // Senders may end the datagram with a line end or a NUL (a packet saved to a file and sent again).
        while (payload.Length > 0 && payload[^1] is (byte)'\n' or (byte)'\r' or 0 or (byte)' ')
        {
            payload = payload[..^1];
        }

        if (payload.Length < MinLength || payload.Length > MaxLength || !FwknopBase64.IsBase64Text(payload))
        {
            return false;
        }

        var body = payload[..^HmacLength];
        hmac = payload[^HmacLength..].ToArray();
        var prefix = Encoding.ASCII.GetBytes(SaltedPrefix);
        authenticated = body.StartsWith(prefix) ? body.ToArray() : [.. prefix, .. body];
        return true;
    }

    /// <summary>Whether <paramref name="hmac"/> is the HMAC-SHA256 of <paramref name="authenticated"/> under the key (constant time).</summary>
    public static bool Authenticates(ReadOnlySpan<byte> authenticated, ReadOnlySpan<byte> hmac, ReadOnlySpan<byte> key)
    {
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(key, authenticated, mac);
        Span<byte> text = stackalloc byte[44];
        System.Buffers.Text.Base64.EncodeToUtf8(mac, text, out _, out _);
        return hmac.Length == HmacLength && CryptographicOperations.FixedTimeEquals(text[..HmacLength], hmac);
    }

    /// <summary>Decrypts the authenticated text with fwknop's Rijndael key; false on any defect (never an exception).</summary>
    public static bool TryDecrypt(ReadOnlySpan<byte> authenticated, ReadOnlySpan<byte> key, out byte[] plaintext)
    {
        plaintext = [];
        if (key.IsEmpty || !FwknopBase64.TryDecode(Encoding.ASCII.GetString(authenticated), out var data)
            || data.Length < SaltLength * 2 + BlockLength || (data.Length - SaltLength * 2) % BlockLength != 0
            || !data.AsSpan(0, SaltLength).SequenceEqual(Salted))
        {
            return false;
        }

        var (aesKey, iv) = DeriveKeyAndIv(key, data.AsSpan(SaltLength, SaltLength));
        using var aes = Aes.Create();
        aes.Key = aesKey;
        var decrypted = aes.DecryptCbc(data.AsSpan(SaltLength * 2), iv, PaddingMode.None);
        CryptographicOperations.ZeroMemory(aesKey);
        var pad = decrypted[^1];
        if (pad is < 1 or > BlockLength || decrypted.AsSpan(decrypted.Length - pad).ContainsAnyExcept(pad))
        {
            return false;
        }

        plaintext = decrypted[..^pad];
        return true;
    }

    /// <summary>
    /// OpenSSL's EVP_BytesToKey with MD5 and one round, as fwknop does it: D1 = MD5(key || salt),
    /// Di = MD5(Di-1 || key || salt); the 32-byte AES key and the 16-byte IV are D1..D3.
    /// </summary>
    internal static (byte[] Key, byte[] Iv) DeriveKeyAndIv(ReadOnlySpan<byte> key, ReadOnlySpan<byte> salt)
    {
        var material = new byte[48];
        var previous = Array.Empty<byte>();
        for (var offset = 0; offset < material.Length; offset += 16)
        {
            previous = MD5.HashData([.. previous, .. key, .. salt]);
            previous.CopyTo(material, offset);
        }

        return (material[..32], material[32..]);
    }
}
