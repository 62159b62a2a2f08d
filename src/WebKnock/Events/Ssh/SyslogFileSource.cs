using System.Runtime.CompilerServices;

namespace WebKnock.Events.Ssh;

/// <summary>
/// sshd's lines of a log file, followed across rotation: a syslog file such as /var/log/auth.log, or the file that
/// sshd writes itself when started with <c>-E FILE</c>. sshd's own lines carry no time; they are stamped when read
/// (within the poll interval of being written).
/// </summary>
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
            else if (SshLogParser.TryParse(text, out _))
            {
                // A line of sshd -E: the message alone. A syslog line of another program never gets here as a
                // login, since it starts with its time, not with sshd's words.
                yield return new SshLogLine(time.GetUtcNow(), text);
            }
        }
    }
}
