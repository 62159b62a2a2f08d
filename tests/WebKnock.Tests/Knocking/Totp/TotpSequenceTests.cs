using System.Text;
using WebKnock.Knocking.Totp;
using WebKnock.Knocking.Users;

namespace WebKnock.Tests.Knocking.Totp;

public sealed class TotpSequenceTests
{
    private static readonly byte[] Secret = Encoding.ASCII.GetBytes("12345678901234567890");
    private static readonly TotpPortPool Pool = new(20000, 29999, [443, 7000, 8000, 9000]);

    // Expected values computed independently (Python's hmac module, the algorithm as the README states it).
    [Theory]
    [InlineData(59L, new[] { 22456, 24506, 20118 })]
    [InlineData(1111111109L, new[] { 27091, 20149, 28296 })]
    [InlineData(1234567890L, new[] { 27708, 29826, 26591 })]
    [InlineData(2000000000L, new[] { 29588, 22446, 27149 })]
    public void KnownSecretsAndTimes(long unixSeconds, int[] expected)
    {
        var counter = TotpCode.Counter(DateTimeOffset.FromUnixTimeSeconds(unixSeconds));
        Assert.Equal(expected, TotpSequence.Derive(Secret, counter, Pool, 3));
    }

    [Fact]
    public void SmallPoolNeedsSeveralRoundsAndSkipsRestrictedPorts()
    {
        var pool = new TotpPortPool(1, 1200, [443]);
        Assert.Equal(1136, pool.Count);
        Assert.Equal(new[] { 965, 404, 174, 90, 824 }, TotpSequence.Derive(Secret, 1, pool, 5));
    }

    [Fact]
    public void PoolExcludesRestrictedProtectedAndGivenPorts()
    {
        var pool = new TotpPortPool(5990, 6700, [6100, 6200]);
        Assert.DoesNotContain(6000, pool);
        Assert.DoesNotContain(6665, pool);
        Assert.DoesNotContain(6697, pool);
        Assert.DoesNotContain(6100, pool);
        Assert.Contains(6001, pool);
        Assert.Equal([6000, 6100, 6200, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697], pool.Excluded);
    }

    // Property: over many random secrets and steps, in a range full of restricted ports, no sequence uses an excluded
    // port, repeats a port, or is ascending or descending.
    [Fact]
    public void RestrictedPortsNeverChosenAndNoSequenceIsMonotonic()
    {
        var pool = new TotpPortPool(1, 700, [443, 80]);
        var random = new Random(6238);
        var secret = new byte[20];
        for (var i = 0; i < 20_000; i++)
        {
            random.NextBytes(secret);
            var length = 3 + (i % 4);
            var ports = TotpSequence.Derive(secret, random.NextInt64(0, 100_000_000), pool, length);
            Assert.Equal(length, ports.Length);
            Assert.Equal(length, ports.Distinct().Count());
            Assert.All(ports, p => Assert.True(pool.Contains(p) && !BrowserPorts.Restricted.Contains(p) && p != 443 && p != 80, $"port {p}"));
            Assert.False(TotpSequence.IsMonotonic(ports), string.Join(" ", ports));
        }
    }

    [Fact]
    public void StepsAndUsersGiveDifferentSequences()
    {
        Base32.TryDecode("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", out var other);
        var a = TotpSequence.Derive(Secret, 1000, Pool, 3);
        Assert.NotEqual(a, TotpSequence.Derive(Secret, 1001, Pool, 3));
        Assert.NotEqual(a, TotpSequence.Derive(other, 1000, Pool, 3));
        Assert.Equal(a, TotpSequence.Derive(Secret, 1000, Pool, 3));
    }

    private static readonly TotpPortPool SshPool = new(30000, 30999, [22, 443, 7000, 8000, 9000]);

    // SSH's message is "ssh", a zero byte, then the counter; expected values computed independently (Python's hmac).
    [Theory]
    [InlineData(59L, new[] { 30621, 30816, 30166 })]
    [InlineData(1111111109L, new[] { 30390, 30291, 30750 })]
    [InlineData(1234567890L, new[] { 30452, 30054, 30891 })]
    [InlineData(2000000000L, new[] { 30155, 30441, 30058 })]
    public void KnownSshSequences(long unixSeconds, int[] expected)
    {
        var counter = TotpCode.Counter(DateTimeOffset.FromUnixTimeSeconds(unixSeconds));
        Assert.Equal(expected, TotpSequence.Derive(Secret, counter, SshPool, 3, "ssh"));
    }

    // With the bare counter for both services, an eavesdropper who saw a webmail knock had the same step's SSH
    // sequence (the webmail ports' places modulo 1,000, the swap of a monotonic result applied): 889 of these 1,000
    // steps. Each service's own message leaves nothing to read across.
    [Fact]
    public void A_webmail_sequence_gives_away_nothing_of_the_same_step_s_SSH_sequence()
    {
        var places = Pool.ToList();
        for (var counter = 1000L; counter < 2000; counter++)
        {
            var guess = TotpSequence.Derive(Secret, counter, Pool, 3).Select(p => SshPool[places.IndexOf(p) % SshPool.Count]).ToArray();
            if (TotpSequence.IsMonotonic(guess))
            {
                (guess[0], guess[1]) = (guess[1], guess[0]);
            }

            Assert.NotEqual(guess, TotpSequence.Derive(Secret, counter, SshPool, 3, "ssh"));
        }
    }
}
