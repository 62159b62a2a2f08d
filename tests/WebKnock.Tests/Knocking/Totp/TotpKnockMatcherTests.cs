using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using WebKnock.Configuration;
using WebKnock.Knocking;
using WebKnock.Knocking.Totp;
using WebKnock.Knocking.Users;

namespace WebKnock.Tests.Knocking.Totp;

public sealed class TotpKnockMatcherTests
{
    private static readonly IPAddress A = IPAddress.Parse("192.0.2.10");
    private static readonly IPAddress B = IPAddress.Parse("198.51.100.20");
    private static readonly KnockUser Alice = User("alice", "12345678901234567890");
    private static readonly KnockUser Bob = User("bob", "abcdefghijabcdefghij");

    // Ten seconds into a step, so that t-1 and t+1 are whole steps away.
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_800_000_010));
    private List<KnockUser> _users = [Alice, Bob];

    private TotpKnockMatcher Matcher(int rate = 20, int burst = 10) => new(
        "webmail",
        new KnockOptions { StepTimeout = TimeSpan.FromSeconds(10), RatePerSecond = rate, RateBurst = burst, MaxTrackedSources = 100, Totp = new TotpOptions { Enabled = true } },
        new TotpPortPool(20000, 29999, [443, 7000, 8000, 9000]),
        () => _users,
        _time);

    private long Now => TotpCode.Counter(_time.GetUtcNow());

    [Fact]
    public void CurrentSequenceOpensOnceForItsUser()
    {
        var matcher = Matcher();
        var match = Knock(matcher, A, matcher.Sequence(Alice, Now));
        Assert.Equal(TotpOutcome.Opened, match.Outcome);
        Assert.Equal("alice", match.User);
        Assert.Equal(Now, match.Counter);
    }

    [Theory]
    [InlineData(-1, true)]
    [InlineData(1, true)]
    [InlineData(-2, false)]
    [InlineData(2, false)]
    public void SkewOfOneStepEitherWay(int offset, bool opens)
    {
        var matcher = Matcher();
        var match = Knock(matcher, A, matcher.Sequence(Alice, Now + offset));
        Assert.Equal(opens ? TotpOutcome.Opened : TotpOutcome.None, match.Outcome);
    }

    [Fact]
    public void ReplayFromAnotherAddressOpensNothingAndNamesTheFirst()
    {
        var matcher = Matcher();
        var sequence = matcher.Sequence(Alice, Now);
        Assert.Equal(TotpOutcome.Opened, Knock(matcher, A, sequence).Outcome);
        var replay = Knock(matcher, B, sequence);
        Assert.Equal(TotpOutcome.Replay, replay.Outcome);
        Assert.Equal("alice", replay.User);
        Assert.Equal(A, replay.FirstSource);

        // Still a replay in the next step (t-1 is accepted, and it was used).
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(TotpOutcome.Replay, Knock(matcher, IPAddress.Parse("198.51.100.99"), sequence).Outcome);
    }

    [Fact]
    public void BrowserRepeatsAndRetransmissionsDoNotBreakItNorCountAsReplays()
    {
        var matcher = Matcher();
        var s = matcher.Sequence(Alice, Now);

        // What Chromium sends: each step twice, then every step again about once a second (browser-knock.md).
        var outcomes = new List<TotpOutcome>();
        foreach (var port in new[] { s[0], s[0], s[1], s[1], s[2], s[2] })
        {
            outcomes.Add(matcher.Observe(new KnockPacket(A, port, TcpFlags.Syn)).Outcome);
            _time.Advance(TimeSpan.FromMilliseconds(150));
        }

        for (var round = 0; round < 5; round++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            foreach (var port in new[] { s[0], s[0], s[1], s[1], s[2], s[2] })
            {
                outcomes.Add(matcher.Observe(new KnockPacket(A, port, TcpFlags.Syn)).Outcome);
            }
        }

        Assert.Equal(1, outcomes.Count(o => o == TotpOutcome.Opened));
        Assert.All(outcomes, o => Assert.True(o is TotpOutcome.Opened or TotpOutcome.None, o.ToString()));
    }

    [Theory]
    [InlineData("0 2 1", false)] // wrong order
    [InlineData("1 2", false)] // incomplete
    [InlineData("0 1 2", true)]
    [InlineData("0 x 1 x 2", true)] // other ports of the range between steps are noise
    [InlineData("2 0 1 2", true)] // a stray last step first, then the sequence
    public void Orders(string steps, bool opens)
    {
        var matcher = Matcher();
        var s = matcher.Sequence(Alice, Now);
        var outcome = TotpOutcome.None;
        foreach (var step in steps.Split(' '))
        {
            var port = step == "x" ? Noise(s) : s[int.Parse(step, System.Globalization.CultureInfo.InvariantCulture)];
            var o = matcher.Observe(new KnockPacket(A, port, TcpFlags.Syn)).Outcome;
            outcome = o == TotpOutcome.Opened ? o : outcome;
            _time.Advance(TimeSpan.FromMilliseconds(100));
        }

        Assert.Equal(opens ? TotpOutcome.Opened : TotpOutcome.None, outcome);
    }

    [Fact]
    public void StepsSlowerThanTheStepTimeoutDoNotOpen()
    {
        var matcher = Matcher();
        var s = matcher.Sequence(Alice, Now);
        matcher.Observe(new KnockPacket(A, s[0], TcpFlags.Syn));
        _time.Advance(TimeSpan.FromSeconds(11));
        matcher.Observe(new KnockPacket(A, s[1], TcpFlags.Syn));
        Assert.Equal(TotpOutcome.None, matcher.Observe(new KnockPacket(A, s[2], TcpFlags.Syn)).Outcome);
    }

    [Fact]
    public void SequenceSplitOverTwoAddressesOpensNothing()
    {
        var matcher = Matcher();
        var s = matcher.Sequence(Alice, Now);
        matcher.Observe(new KnockPacket(A, s[0], TcpFlags.Syn));
        matcher.Observe(new KnockPacket(B, s[1], TcpFlags.Syn));
        Assert.Equal(TotpOutcome.None, matcher.Observe(new KnockPacket(A, s[2], TcpFlags.Syn)).Outcome);
    }

    [Fact]
    public void OnlyPureSynsCount()
    {
        var matcher = Matcher();
        var s = matcher.Sequence(Alice, Now);
        matcher.Observe(new KnockPacket(A, s[0], TcpFlags.Syn));
        matcher.Observe(new KnockPacket(A, s[1], TcpFlags.Syn | TcpFlags.Ack));
        Assert.Equal(TotpOutcome.None, matcher.Observe(new KnockPacket(A, s[2], TcpFlags.Syn)).Outcome);
    }

    [Fact]
    public void DisabledUsersAndUsersWithoutSecretOpenNothing()
    {
        var matcher = Matcher();
        _users = [Alice with { Enabled = false }, Bob with { TotpSecret = [] }];
        Assert.Equal(TotpOutcome.None, Knock(matcher, A, matcher.Sequence(Alice, Now)).Outcome);
        Assert.Equal(TotpOutcome.None, Knock(matcher, B, matcher.Sequence(Bob, Now)).Outcome);
    }

    // Two users with the same secret collide in every step: the gateway refuses to guess whose window it would be.
    [Fact]
    public void CollidingUsersAreRefusedAsAmbiguous()
    {
        var matcher = Matcher();
        _users = [Alice, Alice with { Name = "mallory" }];
        var match = Knock(matcher, A, matcher.Sequence(Alice, Now));
        Assert.Equal(TotpOutcome.Ambiguous, match.Outcome);
        Assert.Null(match.User);
    }

    [Fact]
    public void TwoUsersFromOneAddressEachOpenTheirOwn()
    {
        var matcher = Matcher();
        Assert.Equal("alice", Knock(matcher, A, matcher.Sequence(Alice, Now)).User);
        Assert.Equal("bob", Knock(matcher, A, matcher.Sequence(Bob, Now)).User);
    }

    [Fact]
    public void FloodIsCutByThePerSourceRate()
    {
        var matcher = Matcher(rate: 5, burst: 5);
        var outcomes = Enumerable.Range(0, 20).Select(i => matcher.Observe(new KnockPacket(A, 20000 + i, TcpFlags.Syn)).Outcome).ToList();
        Assert.Equal(TotpOutcome.Flood, outcomes[5]);

        // Banned: even the right sequence opens nothing now.
        Assert.Equal(TotpOutcome.None, Knock(matcher, A, matcher.Sequence(Alice, Now)).Outcome);
        Assert.Equal(TotpOutcome.Opened, Knock(matcher, B, matcher.Sequence(Alice, Now)).Outcome);
    }

    [Fact]
    public void PortsOutsideThePoolAreIgnored()
    {
        var matcher = Matcher();
        Assert.False(matcher.InRange(7000));
        Assert.False(matcher.InRange(19999));
        Assert.True(matcher.InRange(20000));
        Assert.Equal(TotpOutcome.None, matcher.Observe(new KnockPacket(A, 7000, TcpFlags.Syn)).Outcome);
        Assert.Equal(0, matcher.TrackedSources);
    }

    [Fact]
    public void The_SSH_matcher_takes_SSH_s_own_sequence_not_one_read_off_a_webmail_knock()
    {
        var sshPool = new TotpPortPool(30000, 30999, [22, 443, 7000, 8000, 9000]);
        var ssh = new TotpKnockMatcher(
            "ssh",
            new KnockOptions { StepTimeout = TimeSpan.FromSeconds(10), RatePerSecond = 20, RateBurst = 10, MaxTrackedSources = 100, Totp = new TotpOptions { Enabled = true } },
            sshPool,
            () => _users,
            _time);
        var webmail = Matcher();
        Assert.Equal(TotpSequence.Derive(Alice.TotpSecret, Now, sshPool, 3, "ssh"), ssh.Sequence(Alice, Now));

        // B saw alice's webmail knock and maps its ports into the SSH pool: nothing opens.
        var places = webmail.Pool.ToList();
        var guess = webmail.Sequence(Alice, Now).Select(p => sshPool[places.IndexOf(p) % sshPool.Count]).ToArray();
        if (TotpSequence.IsMonotonic(guess))
        {
            (guess[0], guess[1]) = (guess[1], guess[0]);
        }

        Assert.Equal(TotpOutcome.None, Knock(ssh, B, guess).Outcome);
        var opened = Knock(ssh, A, ssh.Sequence(Alice, Now));
        Assert.Equal((TotpOutcome.Opened, "alice", "ssh"), (opened.Outcome, opened.User, opened.Service));
    }

    private TotpMatch Knock(TotpKnockMatcher matcher, IPAddress source, int[] ports)
    {
        TotpMatch last = null!;
        foreach (var port in ports)
        {
            last = matcher.Observe(new KnockPacket(source, port, TcpFlags.Syn));
            _time.Advance(TimeSpan.FromMilliseconds(100));
        }

        return last;
    }

    private static int Noise(int[] sequence) => Enumerable.Range(20001, 100).First(p => !sequence.Contains(p));

    private static KnockUser User(string name, string secret) => new(name, true, Encoding.ASCII.GetBytes(secret), [], []);
}
