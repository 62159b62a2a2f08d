using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using WebKnock.Events;
using WebKnock.Events.Ssh;

namespace WebKnock.Tests.Events.Ssh;

public sealed class SshLogReaderTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly ListRecorder _recorder = new();

    [Fact]
    public async Task Logins_in_a_followed_auth_log_become_events()
    {
        var path = _folder.File("auth.log");
        File.WriteAllText(path, "2026-03-03T09:00:00+00:00 mail sshd[1]: Accepted password for before from 192.0.2.1 port 1 ssh2\n");
        using var reader = new SshLogReader(new SyslogFileSource(path, TimeProvider.System, TimeSpan.FromMilliseconds(20)), path, _recorder, TimeProvider.System, NullLogger<SshLogReader>.Instance);

        await reader.StartAsync(CancellationToken.None);
        await OpenFiles.WaitUntilOpenAsync(path);
        File.AppendAllText(path, string.Join('\n',
            "2026-03-03T10:15:02.000000+01:00 mail sshd[812]: Accepted publickey for alice from 2001:db8::5 port 40022 ssh2: ED25519 SHA256:abc",
            "2026-03-03T10:16:00.000000+01:00 mail CRON[900]: pam_unix(cron:session): session closed for user root",
            "2026-03-03T10:17:00.000000+01:00 mail sshd[813]: Failed password for bob from 198.51.100.4 port 1234 ssh2",
            "2026-03-03T10:17:05.000000+01:00 mail sshd[813]: Connection closed by authenticating user bob 198.51.100.4 port 1234 [preauth]",
            "") );

        Assert.True(await WaitAsync(() => _recorder.Events.Count >= 2));
        await reader.StopAsync(CancellationToken.None);

        Assert.Equal(
            [
                new GatewayEvent(new DateTimeOffset(2026, 3, 3, 10, 15, 2, TimeSpan.FromHours(1)), GatewayEventType.LoginSucceeded, "ssh", IPAddress.Parse("2001:db8::5"), User: "alice", Detail: "publickey"),
                new GatewayEvent(new DateTimeOffset(2026, 3, 3, 10, 17, 0, TimeSpan.FromHours(1)), GatewayEventType.LoginFailed, "ssh", IPAddress.Parse("198.51.100.4"), User: "bob", Detail: "password"),
            ],
            _recorder.Events);
        Assert.Equal(2, reader.Recognised);
    }

    [Fact]
    public async Task Logins_in_sshd_own_log_file_become_events_stamped_when_read()
    {
        // What sshd -E FILE writes (OpenSSH 9.2 on Debian 12): the message alone, no time, no program.
        var path = _folder.File("sshd.log");
        File.WriteAllText(path, "Accepted publickey for before from 192.0.2.1 port 1 ssh2: ED25519 SHA256:x\r\n");
        using var reader = new SshLogReader(new SyslogFileSource(path, TimeProvider.System, TimeSpan.FromMilliseconds(20)), path, _recorder, TimeProvider.System, NullLogger<SshLogReader>.Instance);

        await reader.StartAsync(CancellationToken.None);
        await OpenFiles.WaitUntilOpenAsync(path);
        var written = DateTimeOffset.UtcNow;
        File.AppendAllText(path, string.Join("\r\n",
            "Server listening on 0.0.0.0 port 22.",
            "Accepted publickey for root from 192.0.2.10 port 41234 ssh2: ED25519 SHA256:+DTgZOEJkJxzKVXNy3Y4wuSbguuLmxJv2Piuby0S5dc",
            "Invalid user wk-nobody from 192.0.2.10 port 41240",
            "2026-03-03T10:16:00.000000+01:00 mail CRON[900]: Accepted password for mallory from 203.0.113.1 port 1 ssh2",
            "Received disconnect from 192.0.2.10 port 41234:11: disconnected by user",
            ""));

        Assert.True(await WaitAsync(() => _recorder.Events.Count >= 2));
        await reader.StopAsync(CancellationToken.None);

        Assert.Equal(
            [("root", GatewayEventType.LoginSucceeded, "192.0.2.10"), ("wk-nobody", GatewayEventType.LoginFailed, "192.0.2.10")],
            _recorder.Events.Select(e => (e.User, e.Type, e.Address!.ToString())));
        Assert.All(_recorder.Events, e => Assert.InRange(e.Time, written.AddSeconds(-1), DateTimeOffset.UtcNow));
        Assert.Equal(2, reader.Recognised);
    }

    [Fact]
    public async Task Journal_lines_from_journalctl_become_events()
    {
        // A stand-in for journalctl that prints two recorded JSON lines and keeps running.
        var script = _folder.File("journalctl");
        File.WriteAllText(script, """
            #!/bin/sh
            echo '{"__REALTIME_TIMESTAMP":"1772532902000000","_COMM":"sshd","MESSAGE":"Invalid user admin from 203.0.113.9 port 40000"}'
            echo '{"__REALTIME_TIMESTAMP":"1772532903000000","_COMM":"sshd","MESSAGE":"Failed password for invalid user admin from 203.0.113.9 port 40000 ssh2"}'
            echo '{"__REALTIME_TIMESTAMP":"1772532904000000","_COMM":"sshd-session","MESSAGE":"Accepted publickey for carol from ::ffff:192.0.2.44 port 50000 ssh2: RSA SHA256:x"}'
            exec sleep 30
            """.Replace("\r", ""));
        var source = new JournaldSource(NullLogger<JournaldSource>.Instance, "/bin/sh", [script]);
        using var reader = new SshLogReader(source, "journald", _recorder, TimeProvider.System, NullLogger<SshLogReader>.Instance);

        await reader.StartAsync(CancellationToken.None);
        Assert.True(await WaitAsync(() => _recorder.Events.Count >= 2));
        await reader.StopAsync(CancellationToken.None);

        Assert.Equal([("admin", GatewayEventType.LoginFailed), ("carol", GatewayEventType.LoginSucceeded)], _recorder.Events.Select(e => (e.User, e.Type)));
        Assert.Equal(IPAddress.Parse("192.0.2.44"), _recorder.Events[1].Address);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1772532904), _recorder.Events[1].Time);
    }

    [Fact]
    public async Task A_source_that_fails_is_started_again_after_the_pause()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var logger = new ListLogger<SshLogReader>();
        var source = new FailingOnceSource();
        using var reader = new SshLogReader(source, "test", _recorder, time, logger);

        await reader.StartAsync(CancellationToken.None);
        Assert.True(await WaitAsync(() => logger.WithId(6057).Count == 1));
        Assert.Empty(_recorder.Events);

        // The pause is on the reader's clock; advancing it more than once is harmless.
        Assert.True(await WaitAsync(() =>
        {
            time.Advance(SshLogReader.RestartDelay);
            return _recorder.Events.Count == 1;
        }));
        await reader.StopAsync(CancellationToken.None);

        Assert.Equal(2, source.Starts);
    }

    [Theory]
    [InlineData("", null)]
    [InlineData("  ", null)]
    [InlineData("journald", typeof(JournaldSource))]
    [InlineData("JournalD", typeof(JournaldSource))]
    [InlineData("/var/log/auth.log", typeof(SyslogFileSource))]
    public void The_setting_chooses_the_source(string setting, Type? expected)
    {
        var source = SshLogReader.CreateSource(setting, TimeProvider.System, NullLoggerFactory.Instance);

        Assert.Equal(expected, source?.GetType());
    }

    private static async Task<bool> WaitAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(20);
        }

        return condition();
    }

    public void Dispose() => _folder.Dispose();

    private sealed class FailingOnceSource : ISshLogSource
    {
        public int Starts { get; private set; }

        public async IAsyncEnumerable<SshLogLine> ReadAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            if (++Starts == 1)
            {
                throw new IOException("journalctl: permission denied");
            }

            yield return new SshLogLine(DateTimeOffset.UnixEpoch, "Accepted password for alice from 192.0.2.10 port 52344 ssh2");
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
    }

    private sealed class ListRecorder : IEventRecorder
    {
        private readonly List<GatewayEvent> _events = [];

        public List<GatewayEvent> Events
        {
            get
            {
                lock (_events)
                {
                    return [.. _events];
                }
            }
        }

        public long Dropped => 0;

        public void Record(GatewayEvent gatewayEvent)
        {
            lock (_events)
            {
                _events.Add(gatewayEvent);
            }
        }
    }
}
