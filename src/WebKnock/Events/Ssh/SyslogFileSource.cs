using System.Runtime.CompilerServices;

namespace WebKnock.Events.Ssh;

/// <summary>sshd's lines of a syslog file such as /var/log/auth.log, followed across rotation.</summary>
internal sealed class SyslogFileSource(string path, TimeProvider time, TimeSpan pollInterval) : ISshLogSource
{
    public async IAsyncEnumerable<SshLogLine> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var follower = new LogFileFollower(path, time, pollInterval);
        await foreach (var text in follower.FollowAsync(fromEnd: true, cancellationToken))
        {
            if (SshLogParser.TryParseSyslogLine(text, time.GetUtcNow(), time.LocalTimeZone, out var line))
            {
                yield return line;
            }
        }
    }
}
