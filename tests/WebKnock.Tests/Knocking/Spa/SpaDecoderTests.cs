using System.Diagnostics;
using System.Text;
using WebKnock.Knocking.Users;

namespace WebKnock.Knocking.Spa.Tests;

public sealed class SpaDecoderTests
{
    private static readonly KnockUser[] Alice = [SpaFixtures.User()];

    [Theory]
    [InlineData("access-443", "198.51.100.2", "tcp/443", 0, SpaMessageType.Access)]
    [InlineData("timeout-22", "198.51.100.2", "tcp/22", 90, SpaMessageType.ClientTimeoutAccess)]
    [InlineData("source-443", "0.0.0.0", "tcp/443", 0, SpaMessageType.Access)]
    [InlineData("two-ports", "198.51.100.2", "tcp/443,tcp/22", 0, SpaMessageType.Access)]
    public void Captured_client_packets_decode(string name, string address, string ports, int timeout, SpaMessageType type)
    {
        var result = SpaDecoder.Decode(SpaFixtures.Bytes(name), Alice);

        Assert.Equal(SpaOutcome.Accepted, result.Outcome);
        var message = result.Message!;
        Assert.Equal("alice", message.User);
        Assert.Equal(address, message.Address);
        Assert.Equal(ports, string.Join(",", message.Ports.Select(p => $"{p.Protocol}/{p.Port}")));
        Assert.Equal(timeout, message.ClientTimeout);
        Assert.Equal(type, message.Type);
        Assert.Equal("3.0.0", message.Version);
        Assert.InRange(message.Timestamp, SpaFixtures.CreatedAt.AddSeconds(-5), SpaFixtures.CreatedAt.AddSeconds(5));
        Assert.Equal(43, message.Digest.Length);
    }

    [Fact]
    public void A_trailing_line_end_is_ignored()
    {
        var packet = SpaFixtures.Bytes("access-443").Concat("\n"u8.ToArray()).ToArray();

        Assert.Equal(SpaOutcome.Accepted, SpaDecoder.Decode(packet, Alice).Outcome);
    }

    [FwknopFact]
    public void Packets_made_now_by_the_installed_client_decode()
    {
        var packet = FwknopClient.Build(SpaFixtures.Key, SpaFixtures.HmacKey, "-A", "tcp/443", "-a", "192.0.2.77", "-U", "alice", "-f", "300");

        var result = SpaDecoder.Decode(packet, Alice);

        Assert.Equal(SpaOutcome.Accepted, result.Outcome);
        Assert.Equal("192.0.2.77", result.Message!.Address);
        Assert.Equal(300, result.Message.ClientTimeout);
        Assert.InRange(result.Message.Timestamp, DateTimeOffset.UtcNow.AddSeconds(-30), DateTimeOffset.UtcNow.AddSeconds(30));
    }

    [FwknopFact]
    public void A_fresh_key_pair_from_the_client_works()
    {
        var key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var hmac = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(64));
        var user = new KnockUser("bob", true, [], Convert.FromBase64String(key), Convert.FromBase64String(hmac));

        var packet = FwknopClient.Build(key, hmac, "-A", "tcp/22", "-s", "-U", "bob");

        Assert.Equal(SpaOutcome.Accepted, SpaDecoder.Decode(packet, [SpaFixtures.User(), user]).Outcome);
        Assert.Equal("bob", SpaDecoder.Decode(packet, [SpaFixtures.User(), user]).User!.Name);
        Assert.Equal(SpaOutcome.BadHmac, SpaDecoder.Decode(packet, Alice).Outcome);
    }

    [Fact]
    public void A_wrong_hmac_key_is_refused_before_decryption()
    {
        var stranger = new KnockUser("alice", true, [], Convert.FromBase64String(SpaFixtures.Key), new byte[64]);

        Assert.Equal(SpaOutcome.BadHmac, SpaDecoder.Decode(SpaFixtures.Bytes("access-443"), [stranger]).Outcome);
    }

    [Fact]
    public void A_wrong_encryption_key_with_the_right_hmac_key_does_not_decrypt()
    {
        var user = SpaFixtures.User(key: SpaFixtures.OtherKey);

        var result = SpaDecoder.Decode(SpaFixtures.Bytes("access-443"), [user]);

        Assert.Contains(result.Outcome, new[] { SpaOutcome.BadCiphertext, SpaOutcome.BadMessage });
        Assert.Null(result.Message);
    }

    [Fact]
    public void A_packet_naming_another_user_is_refused()
    {
        Assert.Equal(SpaOutcome.WrongUser, SpaDecoder.Decode(SpaFixtures.Bytes("user-mallory"), Alice).Outcome);
    }

    [Fact]
    public void A_disabled_user_is_refused()
    {
        Assert.Equal(SpaOutcome.UserDisabled, SpaDecoder.Decode(SpaFixtures.Bytes("access-443"), [SpaFixtures.User(enabled: false)]).Outcome);
    }

    [Fact]
    public void Nobody_configured_refuses_everything()
    {
        Assert.Equal(SpaOutcome.BadHmac, SpaDecoder.Decode(SpaFixtures.Bytes("access-443"), []).Outcome);
    }

    [Fact]
    public void Every_truncation_is_refused()
    {
        foreach (var name in SpaFixtures.Names)
        {
            var packet = SpaFixtures.Bytes(name);
            for (var length = 0; length < packet.Length; length++)
            {
                var result = SpaDecoder.Decode(packet.AsSpan(0, length), Alice);
                Assert.NotEqual(SpaOutcome.Accepted, result.Outcome);
                Assert.Null(result.Message);
            }
        }
    }

    [Fact]
    public void Every_single_bit_flip_is_refused()
    {
        var packet = SpaFixtures.Bytes("access-443");
        var outcomes = new Dictionary<SpaOutcome, int>();
        for (var bit = 0; bit < packet.Length * 8; bit++)
        {
            var copy = packet.ToArray();
            copy[bit / 8] ^= (byte)(1 << (bit % 8));
            var outcome = SpaDecoder.Decode(copy, Alice).Outcome;
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }

        Assert.False(outcomes.ContainsKey(SpaOutcome.Accepted), string.Join(", ", outcomes));
        Assert.Equal(packet.Length * 8, outcomes.Values.Sum());
        Assert.True(outcomes.GetValueOrDefault(SpaOutcome.BadHmac) > packet.Length * 4, string.Join(", ", outcomes));
    }

    [Fact]
    public void A_hundred_thousand_mutated_packets_never_throw()
    {
        var random = new Random(62201);
        var seeds = SpaFixtures.Names.Select(SpaFixtures.Bytes).ToArray();
        var users = new[] { SpaFixtures.User(), SpaFixtures.User("bob", key: SpaFixtures.OtherKey) };
        var accepted = 0;
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < 100_000; i++)
        {
            var seed = seeds[random.Next(seeds.Length)];
            var packet = (i % 5) switch
            {
                0 => Flip(random, seed, 1 + random.Next(8)),
                1 => seed[..random.Next(seed.Length)],
                2 => Splice(random, seed),
                3 => RandomBase64(random),
                _ => RandomBytes(random),
            };

            if (SpaDecoder.Decode(packet, users).Outcome == SpaOutcome.Accepted)
            {
                accepted++;
            }
        }

        // A splice may put a whole seed back together; nothing else may be accepted.
        Assert.True(accepted < 100, $"{accepted} accepted");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), watch.Elapsed.ToString());
    }

    [Fact]
    public void Plaintexts_that_authenticate_but_are_not_fwknop_messages_are_refused()
    {
        // The client's own fields, re-encrypted and re-authenticated with the right keys, then spoiled one by one.
        var good = "1234567890123456:" + B64("alice") + ":" + Now() + ":3.0.0:1:" + B64("198.51.100.2,tcp/443");
        Assert.Equal(SpaOutcome.Accepted, Decode(good));
        Assert.Equal(SpaOutcome.BadMessage, Decode(good, digest: "AAAA"));
        Assert.Equal(SpaOutcome.BadMessage, Decode("123:" + good[17..]));
        Assert.Equal(SpaOutcome.Unsupported, Decode(good.Replace(":1:", ":0:", StringComparison.Ordinal)));
        Assert.Equal(SpaOutcome.Unsupported, Decode(good.Replace(":1:", ":2:", StringComparison.Ordinal) + ":" + B64("192.0.2.1,22")));
        Assert.Equal(SpaOutcome.BadMessage, Decode(good.Replace(":1:", ":3:", StringComparison.Ordinal)));
        Assert.Equal(SpaOutcome.Accepted, Decode(good.Replace(":1:", ":3:", StringComparison.Ordinal) + ":60"));
        Assert.Equal(SpaOutcome.BadMessage, Decode(good.Replace(":1:", ":3:", StringComparison.Ordinal) + ":6x"));
        Assert.Equal(SpaOutcome.BadMessage, Decode(good.Replace(B64("198.51.100.2,tcp/443"), B64("198.51.100.2,icmp/443"), StringComparison.Ordinal)));
        Assert.Equal(SpaOutcome.BadMessage, Decode(good.Replace(B64("198.51.100.2,tcp/443"), B64("198.51.100.2,tcp/70000"), StringComparison.Ordinal)));
        Assert.Equal(SpaOutcome.BadMessage, Decode(good.Replace(B64("198.51.100.2,tcp/443"), B64("198.51.100.2"), StringComparison.Ordinal)));
        Assert.Equal(SpaOutcome.BadMessage, Decode(good + ":a:b"));
        Assert.Equal(SpaOutcome.BadMessage, Decode(good.Replace(":3.0.0:", "::", StringComparison.Ordinal)));
        Assert.Equal(SpaOutcome.BadMessage, Decode(good + "\u0001"));
    }

    private static SpaOutcome Decode(string body, string? digest = null)
        => SpaDecoder.Decode(SpaTestPackets.Seal(body, SpaFixtures.Key, SpaFixtures.HmacKey, digest), Alice).Outcome;

    private static string B64(string text) => FwknopBase64.Encode(Encoding.ASCII.GetBytes(text));

    private static string Now() => DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static byte[] Flip(Random random, byte[] seed, int flips)
    {
        var copy = seed.ToArray();
        for (var i = 0; i < flips; i++)
        {
            copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
        }

        return copy;
    }

    private static byte[] Splice(Random random, byte[] seed)
    {
        var at = random.Next(seed.Length);
        var length = random.Next(1, 40);
        var insert = RandomBase64(random)[..Math.Min(length, 60)];
        return random.Next(2) == 0 ? [.. seed[..at], .. insert, .. seed[at..]] : [.. seed[..at], .. seed[Math.Min(seed.Length, at + length)..]];
    }

    private static byte[] RandomBase64(Random random)
        => Encoding.ASCII.GetBytes(Convert.ToBase64String(RandomBytes(random)).TrimEnd('=') + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(0, 400)];
        random.NextBytes(bytes);
        return bytes;
    }
}
