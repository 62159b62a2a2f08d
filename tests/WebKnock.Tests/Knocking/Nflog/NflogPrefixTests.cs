namespace WebKnock.Knocking.Nflog.Tests;

public sealed class NflogPrefixTests
{
    [Theory]
    [InlineData("wk:step:webmail:2", KnockEventKind.StepHit, "webmail", 2)]
    [InlineData("wk:open:ssh", KnockEventKind.SequenceCompleted, "ssh", 0)]
    [InlineData("wk:wrong:webmail", KnockEventKind.WrongOrder, "webmail", 0)]
    [InlineData("wk:flood:webmail", KnockEventKind.Flood, "webmail", 0)]
    [InlineData("wk:drop:webmail", KnockEventKind.DroppedAttempt, "webmail", 0)]
    [InlineData("wk:scan", KnockEventKind.ScanBlocked, "", 0)]
    public void Reads_what_the_rules_write(string prefix, KnockEventKind kind, string service, int step)
    {
        Assert.True(NflogPrefix.TryParse(prefix, out var k, out var s, out var n));
        Assert.Equal((kind, service, step), (k, s, n));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("wk")]
    [InlineData("xx:open:webmail")]
    [InlineData("wk:step:webmail")]
    [InlineData("wk:step:webmail:0")]
    [InlineData("wk:step:webmail:-1")]
    [InlineData("wk:open:webmail:1")]
    [InlineData("wk:open:")]
    [InlineData("wk:scan:x")]
    [InlineData("wk:other:webmail")]
    public void Refuses_anything_else(string? prefix)
    {
        Assert.False(NflogPrefix.TryParse(prefix, out _, out _, out _));
    }

    [Fact]
    public void Round_trips()
    {
        Assert.True(NflogPrefix.TryParse(NflogPrefix.Step("ssh", 3), out var kind, out var service, out var step));
        Assert.Equal((KnockEventKind.StepHit, "ssh", 3), (kind, service, step));
    }
}
