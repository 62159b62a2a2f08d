using System.Net;
using WebKnock.Knocking;

namespace WebKnock.Events.Ssh;

/// <summary>
/// Turns sshd lines into login events. sshd logs "Invalid user X" once per connection, and then,
/// where passwords are allowed, "Failed password for invalid user X" per attempt on that connection:
/// one failed login is recorded for the connection, not one more per line. A valid user's failed
/// attempts count one each.
/// </summary>
internal sealed class SshLoginTranslator
{
    // sshd's LoginGraceTime is 2 minutes by default: a connection's lines come within it.
    private static readonly TimeSpan ConnectionLifetime = TimeSpan.FromMinutes(10);
    private const int MaxConnections = 10_000;

    private readonly Dictionary<(IPAddress, int?), DateTimeOffset> _invalidConnections = [];

    public IEnumerable<GatewayEvent> Translate(SshLogLine line, SshLogEntry entry)
    {
        switch (entry.Kind)
        {
            case SshLogKind.Accepted:
                return Repeat(entry, new GatewayEvent(line.Time, GatewayEventType.LoginSucceeded, ServiceNames.Ssh, entry.Address, User: entry.User, Detail: entry.Method));

            case SshLogKind.InvalidUser:
                Remember((entry.Address, entry.SourcePort), line.Time);
                return Repeat(entry, new GatewayEvent(line.Time, GatewayEventType.LoginFailed, ServiceNames.Ssh, entry.Address, User: entry.User, Detail: "invalid user"));

            case SshLogKind.Failed when entry.InvalidUser && Seen((entry.Address, entry.SourcePort), line.Time):
                return [];

            default:
                var detail = entry.InvalidUser ? $"{entry.Method}, invalid user" : entry.Method;
                return Repeat(entry, new GatewayEvent(line.Time, GatewayEventType.LoginFailed, ServiceNames.Ssh, entry.Address, User: entry.User, Detail: detail));
        }
    }

    private static IEnumerable<GatewayEvent> Repeat(SshLogEntry entry, GatewayEvent e) => Enumerable.Repeat(e, entry.Repeat);

    private bool Seen((IPAddress, int?) connection, DateTimeOffset now) =>
        _invalidConnections.TryGetValue(connection, out var at) && now - at <= ConnectionLifetime;

    private void Remember((IPAddress, int?) connection, DateTimeOffset now)
    {
        if (_invalidConnections.Count >= MaxConnections)
        {
            foreach (var (key, at) in _invalidConnections)
            {
                if (now - at > ConnectionLifetime)
                {
                    _invalidConnections.Remove(key);
                }
            }

            if (_invalidConnections.Count >= MaxConnections)
            {
                _invalidConnections.Clear(); // a flood of connections: forget rather than grow
            }
        }

        _invalidConnections[connection] = now;
    }
}
