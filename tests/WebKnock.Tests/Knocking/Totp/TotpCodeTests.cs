using System.Security.Cryptography;
using System.Text;
using WebKnock.Knocking.Totp;

namespace WebKnock.Tests.Knocking.Totp;

public sealed class TotpCodeTests
{
    // RFC 6238 appendix B: 8-digit TOTP for the three HMACs with the RFC's seeds.
    [Theory]
    [InlineData(59L, "94287082", "46119246", "90693936")]
    [InlineData(1111111109L, "07081804", "68084774", "25091201")]
    [InlineData(1111111111L, "14050471", "67062674", "99943326")]
    [InlineData(1234567890L, "89005924", "91819424", "93441116")]
    [InlineData(2000000000L, "69279037", "90698825", "38618901")]
    [InlineData(20000000000L, "65353130", "77737706", "47863826")]
    public void Rfc6238Vectors(long unixSeconds, string sha1, string sha256, string sha512)
    {
        var counter = TotpCode.Counter(DateTimeOffset.FromUnixTimeSeconds(unixSeconds));
        Assert.Equal(sha1, TotpCode.Code(Seed(20), counter, 8, HashAlgorithmName.SHA1));
        Assert.Equal(sha256, TotpCode.Code(Seed(32), counter, 8, HashAlgorithmName.SHA256));
        Assert.Equal(sha512, TotpCode.Code(Seed(64), counter, 8, HashAlgorithmName.SHA512));
    }

    [Theory]
    [InlineData(0L, 0L)]
    [InlineData(29L, 0L)]
    [InlineData(30L, 1L)]
    [InlineData(59L, 1L)]
    [InlineData(1111111109L, 0x23523ECL)] // the RFC's table: T = 00000000023523EC
    public void CounterIsThirtySecondSteps(long unixSeconds, long counter)
        => Assert.Equal(counter, TotpCode.Counter(DateTimeOffset.FromUnixTimeSeconds(unixSeconds)));

    // The RFC's seeds are ASCII "1234567890" repeated to the hash's length.
    private static byte[] Seed(int length) => Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("1234567890", 7))[..length]);
}
