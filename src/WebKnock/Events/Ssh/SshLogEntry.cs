using System.Net;

namespace WebKnock.Events.Ssh;

internal enum SshLogKind
{
    /// <summary><c>Accepted publickey for alice from 192.0.2.7 port 50022 ssh2</c></summary>
    Accepted,

    /// <summary><c>Failed password for [invalid user ]alice from 192.0.2.7 port 50022 ssh2</c></summary>
    Failed,

    /// <summary><c>Invalid user admin from 192.0.2.7 port 50022</c> (logged once per connection)</summary>
    InvalidUser,
}

/// <summary>One sshd authentication line, parsed.</summary>
/// <param name="Kind">What sshd said.</param>
/// <param name="User">The user name as the client sent it (may be empty).</param>
/// <param name="Address">The client address.</param>
/// <param name="SourcePort">The client's port, identifying its connection; null in old formats.</param>
/// <param name="Method">The authentication method (password, publickey, keyboard-interactive/pam...).</param>
/// <param name="InvalidUser">Whether sshd knows no such user.</param>
/// <param name="Repeat">How many times syslog said it ("message repeated 3 times: [ ... ]").</param>
internal sealed record SshLogEntry(SshLogKind Kind, string User, IPAddress Address, int? SourcePort, string? Method, bool InvalidUser, int Repeat = 1);

/// <summary>One line of sshd's log: when, and sshd's message without the syslog prefix.</summary>
internal sealed record SshLogLine(DateTimeOffset Time, string Message);
