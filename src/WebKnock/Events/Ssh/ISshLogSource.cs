namespace WebKnock.Events.Ssh;

/// <summary>Where sshd's messages come from: the journal, or a syslog file.</summary>
internal interface ISshLogSource
{
    /// <summary>sshd's messages from now on, until cancelled; ends when the source fails (the reader starts it again).</summary>
    IAsyncEnumerable<SshLogLine> ReadAsync(CancellationToken cancellationToken);
}
