using System.Net;
using WebKnock.Events;
using WebKnock.Events.Ssh;

namespace WebKnock.Tests.Events.Ssh;

public sealed class SshLoginTranslatorTests
{
    private static readonly DateTimeOffset T = new(2026, 3, 3, 10, 0, 0, TimeSpan.Zero);
    private readonly SshLoginTranslator _translator = new();

    [Fact]
    public void An_invalid_user_with_password_attempts_is_one_failed_login_per_connection()
    {
        var events = Translate(
            (0, "Invalid user admin from 203.0.113.9 port 40000"),
            (2, "Failed password for invalid user admin from 203.0.113.9 port 40000 ssh2"),
            (4, "Failed password for invalid user admin from 203.0.113.9 port 40000 ssh2"),
            (9, "Invalid user admin from 203.0.113.9 port 40002"),
            (10, "Failed password for invalid user admin from 203.0.113.9 port 40002 ssh2"));

        Assert.Equal(2, events.Count);
        Assert.All(events, e => Assert.Equal((GatewayEventType.LoginFailed, "ssh", "admin", "invalid user"), (e.Type, e.Service, e.User, e.Detail)));
    }

    [Fact]
    public void Each_failed_attempt_of_a_valid_user_counts()
    {
        var events = Translate(
            (0, "Failed password for alice from 192.0.2.10 port 52344 ssh2"),
            (3, "Failed password for alice from 192.0.2.10 port 52344 ssh2"),
            (6, "Accepted password for alice from 192.0.2.10 port 52344 ssh2"));

        Assert.Equal([GatewayEventType.LoginFailed, GatewayEventType.LoginFailed, GatewayEventType.LoginSucceeded], events.Select(e => e.Type));
        Assert.Equal(new GatewayEvent(T.AddSeconds(6), GatewayEventType.LoginSucceeded, "ssh", IPAddress.Parse("192.0.2.10"), User: "alice", Detail: "password"), events[^1]);
    }

    [Fact]
    public void A_failure_for_an_invalid_user_without_its_connection_line_still_counts()
    {
        var events = Translate((0, "Failed password for invalid user guest from 198.51.100.4 port 1234 ssh2"));

        Assert.Equal("password, invalid user", Assert.Single(events).Detail);
    }

    [Fact]
    public void Repeated_lines_become_that_many_events()
    {
        Assert.Equal(5, Translate((0, "message repeated 5 times: [ Failed password for root from 192.0.2.10 port 52346 ssh2]")).Count);
    }

    private List<GatewayEvent> Translate(params (int Seconds, string Message)[] lines)
    {
        var events = new List<GatewayEvent>();
        foreach (var (seconds, message) in lines)
        {
            Assert.True(SshLogParser.TryParse(message, out var entry), message);
            events.AddRange(_translator.Translate(new SshLogLine(T.AddSeconds(seconds), message), entry));
        }

        return events;
    }
}
