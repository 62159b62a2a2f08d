using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace WebKnock.Events.Ssh;

/// <summary>
/// Reads sshd's authentication messages. The user name comes from the client, so the address is the
/// last "from ADDR port N" of the line: a user name that contains such text cannot fake the address.
/// </summary>
internal static partial class SshLogParser
{
    /// <summary>Parses a message (without the syslog prefix); false for any other sshd message.</summary>
    public static bool TryParse(string message, out SshLogEntry entry)
    {
        entry = null!;
        var repeat = 1;
        if (Repeated().Match(message) is { Success: true } r)
        {
            repeat = int.Parse(r.Groups["n"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture);
            message = r.Groups["msg"].Value;
        }

        Match m;
        SshLogKind kind;
        if ((m = Accepted().Match(message)).Success)
        {
            kind = SshLogKind.Accepted;
        }
        else if ((m = Failed().Match(message)).Success)
        {
            kind = SshLogKind.Failed;
            if (m.Groups["method"].ValueSpan.SequenceEqual("none"))
            {
                return false; // the probe of a client before it offers real credentials
            }
        }
        else if ((m = Invalid().Match(message)).Success)
        {
            kind = SshLogKind.InvalidUser;
        }
        else
        {
            return false;
        }

        if (!IPAddress.TryParse(m.Groups["addr"].ValueSpan, out var address))
        {
            return false; // a host name (UseDNS yes) is not an address
        }

        int? port = m.Groups["port"].Success
            ? int.Parse(m.Groups["port"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture)
            : null;
        var method = m.Groups["method"].Success ? m.Groups["method"].Value : null;
        var invalid = kind == SshLogKind.InvalidUser || m.Groups["invalid"].Success;
        entry = new SshLogEntry(kind, m.Groups["user"].Value, EventAddress.Canonical(address), port, method, invalid, repeat);
        return true;
    }

    /// <summary>
    /// Splits a syslog file line (<c>2025-03-03T10:15:02.123456+01:00 host sshd[812]: msg</c> or the
    /// older <c>Mar  3 10:15:02 host sshd[812]: msg</c>) into its time and message; false for lines of
    /// other programs. A time without a year or zone is taken in <paramref name="zone"/>, in the year
    /// that puts it not after <paramref name="now"/>.
    /// </summary>
    public static bool TryParseSyslogLine(string line, DateTimeOffset now, TimeZoneInfo zone, out SshLogLine parsed)
    {
        parsed = null!;
        var m = SyslogLine().Match(line);
        if (!m.Success)
        {
            return false;
        }

        DateTimeOffset time;
        if (m.Groups["iso"].Success)
        {
            if (!DateTimeOffset.TryParse(m.Groups["iso"].ValueSpan, CultureInfo.InvariantCulture, DateTimeStyles.None, out time))
            {
                time = now;
            }
        }
        else
        {
            time = BsdTime(m.Groups["bsd"].Value, now, zone);
        }

        parsed = new SshLogLine(time, m.Groups["msg"].Value);
        return true;
    }

    private static DateTimeOffset BsdTime(string text, DateTimeOffset now, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var normalized = string.Join(' ', text.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        foreach (var year in new[] { local.Year, local.Year - 1 })
        {
            if (DateTime.TryParseExact($"{year} {normalized}", "yyyy MMM d HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var dt))
            {
                var result = new DateTimeOffset(dt, zone.GetUtcOffset(dt));
                if (result <= now.AddDays(1))
                {
                    return result;
                }
            }
        }

        return now;
    }

    private const string FromTail = @" from (?<addr>[0-9A-Fa-f:.]+)(?: port (?<port>\d{1,5}))?(?: ssh2(?::.*)?)?$";

    [GeneratedRegex(@"^Accepted (?<method>\S+) for (?<user>.*)" + FromTail, RegexOptions.CultureInvariant)]
    private static partial Regex Accepted();

    [GeneratedRegex(@"^Failed (?<method>\S+) for (?<invalid>invalid user )?(?<user>.*)" + FromTail, RegexOptions.CultureInvariant)]
    private static partial Regex Failed();

    [GeneratedRegex(@"^Invalid user (?<user>.*)" + FromTail, RegexOptions.CultureInvariant)]
    private static partial Regex Invalid();

    [GeneratedRegex(@"^message repeated (?<n>\d{1,6}) times: \[ ?(?<msg>.*?) ?\]$", RegexOptions.CultureInvariant)]
    private static partial Regex Repeated();

    [GeneratedRegex(
        @"^(?:(?<iso>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\S*)|(?<bsd>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d)) \S+ (?:sshd|sshd-session)(?:\[\d+\])?: (?<msg>.*)$",
        RegexOptions.CultureInvariant)]
    private static partial Regex SyslogLine();
}
