using System.Security.Cryptography;
using System.Text;

namespace WebKnock.Knocking.Spa.Tests;

/// <summary>
/// Seals a plaintext as fwknop's client does (digest, "Salted__" AES-256-CBC, prefix stripped, HMAC-SHA256), for
/// tests that need messages the real client would not write. The real client's packets (fixtures) prove the format.
/// </summary>
internal static class SpaTestPackets
{
    public static byte[] Seal(string body, string key, string hmacKey, string? digest = null)
    {
        var plaintext = body + ":" + (digest ?? FwknopBase64.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(body))));
        var salt = RandomNumberGenerator.GetBytes(8);
        var (aesKey, iv) = SpaEnvelope.DeriveKeyAndIv(Convert.FromBase64String(key), salt);
        using var aes = Aes.Create();
        aes.Key = aesKey;
        var cipher = aes.EncryptCbc(Encoding.ASCII.GetBytes(plaintext), iv, PaddingMode.PKCS7);
        var text = FwknopBase64.Encode([.. "Salted__"u8, .. salt, .. cipher]);
        var mac = FwknopBase64.Encode(HMACSHA256.HashData(Convert.FromBase64String(hmacKey), Encoding.ASCII.GetBytes(text)));
        return Encoding.ASCII.GetBytes(text["U2FsdGVkX1".Length..] + mac);
    }
}
