using System.Net;
using WebKnock.Events.Ssh;

namespace WebKnock.Tests.Events.Ssh;

public sealed class SshLogParserTests
{
    [Theory]
    [InlineData("Accepted password for alice from 192.0.2.10 port 52344 ssh2", nameof(SshLogKind.Accepted), "alice", "192.0.2.10", 52344, "password", false)]
    [InlineData("Accepted publickey for alice from 2001:db8::5 port 40022 ssh2: ED25519 SHA256:3u2MjWFfMPLd0xJ0Z1tVJf0vVbTjV2uX8o0mVxJjk2A", nameof(SshLogKind.Accepted), "alice", "2001:db8::5", 40022, "publickey", false)]
    [InlineData("Accepted keyboard-interactive/pam for bob from 198.51.100.23 port 61000 ssh2", nameof(SshLogKind.Accepted), "bob", "198.51.100.23", 61000, "keyboard-interactive/pam", false)]
    [InlineData("Accepted publickey for deploy from ::ffff:203.0.113.50 port 22022 ssh2: RSA SHA256:Zm9vYmFy", nameof(SshLogKind.Accepted), "deploy", "203.0.113.50", 22022, "publickey", false)]
    [InlineData("Failed password for alice from 192.0.2.10 port 52345 ssh2", nameof(SshLogKind.Failed), "alice", "192.0.2.10", 52345, "password", false)]
    [InlineData("Failed password for invalid user admin from 203.0.113.9 port 40000 ssh2", nameof(SshLogKind.Failed), "admin", "203.0.113.9", 40000, "password", true)]
    [InlineData("Failed publickey for root from 2001:db8:85a3::8a2e:370:7334 port 51515 ssh2: ECDSA SHA256:YmFyYmF6", nameof(SshLogKind.Failed), "root", "2001:db8:85a3::8a2e:370:7334", 51515, "publickey", false)]
    [InlineData("Failed password for invalid user  from 203.0.113.9 port 40001 ssh2", nameof(SshLogKind.Failed), "", "203.0.113.9", 40001, "password", true)]
    [InlineData("Invalid user admin from 203.0.113.9 port 40000", nameof(SshLogKind.InvalidUser), "admin", "203.0.113.9", 40000, null, true)]
    [InlineData("Invalid user oracle from fe80::1:2 port 33333", nameof(SshLogKind.InvalidUser), "oracle", "fe80::1:2", 33333, null, true)]
    [InlineData("Invalid user test from 192.0.2.77", nameof(SshLogKind.InvalidUser), "test", "192.0.2.77", null, null, true)]
    [InlineData("Invalid user ubnt admin from 192.0.2.78 port 5000", nameof(SshLogKind.InvalidUser), "ubnt admin", "192.0.2.78", 5000, null, true)]
    public void Parses_authentication_messages(string message, string kind, string user, string address, int? port, string? method, bool invalid)
    {
        Assert.True(SshLogParser.TryParse(message, out var entry));

        Assert.Equal(new SshLogEntry(Enum.Parse<SshLogKind>(kind), user, IPAddress.Parse(address), port, method, invalid), entry);
    }

    [Fact]
    public void A_user_name_that_contains_an_address_cannot_fake_the_source()
    {
        Assert.True(SshLogParser.TryParse("Failed password for invalid user x from 10.0.0.1 port 22 from 203.0.113.66 port 4242 ssh2", out var entry));

        Assert.Equal(IPAddress.Parse("203.0.113.66"), entry.Address);
        Assert.Equal("x from 10.0.0.1 port 22", entry.User);
        Assert.Equal(4242, entry.SourcePort);
    }

    [Fact]
    public void Syslog_repeats_count_as_that_many()
    {
        Assert.True(SshLogParser.TryParse("message repeated 3 times: [ Failed password for root from 192.0.2.10 port 52346 ssh2]", out var entry));

        Assert.Equal((SshLogKind.Failed, "root", 3), (entry.Kind, entry.User, entry.Repeat));
    }

    [Theory]
    [InlineData("Connection closed by authenticating user alice 192.0.2.10 port 52344 [preauth]")]
    [InlineData("Received disconnect from 192.0.2.10 port 52344:11: disconnected by user")]
    [InlineData("pam_unix(sshd:session): session opened for user alice(uid=1000) by (uid=0)")]
    [InlineData("Server listening on 0.0.0.0 port 22.")]
    [InlineData("Failed none for invalid user admin from 203.0.113.9 port 40000 ssh2")]
    [InlineData("Accepted password for alice from mail.example.org port 52344 ssh2")]
    [InlineData("error: kex_exchange_identification: Connection closed by remote host")]
    [InlineData("")]
    public void Ignores_other_messages(string message)
    {
        Assert.False(SshLogParser.TryParse(message, out _));
    }

    [Fact]
    public void Syslog_lines_in_RFC_3339_form_keep_their_time_and_zone()
    {
        var now = new DateTimeOffset(2026, 3, 3, 12, 0, 0, TimeSpan.Zero);

        Assert.True(SshLogParser.TryParseSyslogLine(
            "2026-03-03T10:15:02.123456+01:00 mail sshd[1234]: Accepted publickey for alice from 192.0.2.10 port 52344 ssh2: ED25519 SHA256:abc",
            now, TimeZoneInfo.Utc, out var line));

        Assert.Equal(new DateTimeOffset(2026, 3, 3, 9, 15, 2, TimeSpan.Zero).AddTicks(1234560), line.Time);
        Assert.Equal("Accepted publickey for alice from 192.0.2.10 port 52344 ssh2: ED25519 SHA256:abc", line.Message);
    }

    [Theory]
    [InlineData("Mar  3 10:15:02 mail sshd[1234]: Invalid user admin from 203.0.113.9 port 40000", 2026, 3, 3)]
    [InlineData("Dec 31 23:59:59 mail sshd[99]: Invalid user admin from 203.0.113.9 port 40000", 2025, 12, 31)]
    [InlineData("Mar 13 10:15:02 mail sshd-session[77]: Invalid user admin from 203.0.113.9 port 40000", 2025, 3, 13)]
    public void Syslog_lines_in_the_old_form_get_the_year_that_is_not_in_the_future(string text, int year, int month, int day)
    {
        var now = new DateTimeOffset(2026, 3, 3, 12, 0, 0, TimeSpan.Zero);
        var zone = TimeZoneInfo.CreateCustomTimeZone("UTC+2", TimeSpan.FromHours(2), "UTC+2", "UTC+2");

        Assert.True(SshLogParser.TryParseSyslogLine(text, now, zone, out var line));

        Assert.Equal((year, month, day), (line.Time.Year, line.Time.Month, line.Time.Day));
        Assert.Equal(TimeSpan.FromHours(2), line.Time.Offset);
        Assert.StartsWith("Invalid user admin", line.Message);
    }

    [Theory]
    [InlineData("Mar  3 10:15:02 mail CRON[1234]: pam_unix(cron:session): session opened for user root")]
    [InlineData("2026-03-03T10:15:02+01:00 mail sshd-keygen[5]: generating keys")]
    [InlineData("garbage")]
    public void Syslog_lines_of_other_programs_are_skipped(string text)
    {
        Assert.False(SshLogParser.TryParseSyslogLine(text, DateTimeOffset.UnixEpoch, TimeZoneInfo.Utc, out _));
    }
}
