using WebKnock.Events.Ssh;

namespace WebKnock.Tests.Events.Ssh;

public sealed class JournalLineTests
{
    [Fact]
    public void Reads_the_message_and_the_realtime_timestamp()
    {
        const string json = """{"__CURSOR":"s=abc;i=1","__REALTIME_TIMESTAMP":"1772532902123456","__MONOTONIC_TIMESTAMP":"123","_BOOT_ID":"b","MESSAGE":"Accepted publickey for alice from 2001:db8::5 port 40022 ssh2: ED25519 SHA256:abc"}""";

        Assert.True(JournalLine.TryParse(json, out var line));

        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1772532902123).AddTicks(4560), line.Time);
        Assert.Equal("Accepted publickey for alice from 2001:db8::5 port 40022 ssh2: ED25519 SHA256:abc", line.Message);
    }

    [Fact]
    public void Reads_a_message_given_as_bytes()
    {
        // journalctl writes a message that is not valid UTF-8 as an array of bytes.
        const string json = """{"__REALTIME_TIMESTAMP":"1000000","MESSAGE":[73,110,118,97,108,105,100,32,117,115,101,114,32,255,32,102,114,111,109,32,49,46,50,46,51,46,52]}""";

        Assert.True(JournalLine.TryParse(json, out var line));

        Assert.Equal("Invalid user \uFFFD from 1.2.3.4", line.Message);
        Assert.Equal(DateTimeOffset.UnixEpoch.AddSeconds(1), line.Time);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"MESSAGE":"no time"}""")]
    [InlineData("""{"__REALTIME_TIMESTAMP":"1","MESSAGE":null}""")]
    [InlineData("""{"__REALTIME_TIMESTAMP":"x","MESSAGE":"bad time"}""")]
    public void Refuses_lines_it_cannot_use(string json)
    {
        Assert.False(JournalLine.TryParse(json, out _));
    }
}
