using System.Net;
using WebKnock.Events;

namespace WebKnock.Tests.Events;

/// <summary>
/// Known events to check the queries against. March 2026, day d (1..31): d dropped attempts at port
/// 443 and d % 3 at port 22, their countries cycling through <see cref="Countries"/>; d % 4 completed
/// knocks and, on odd days, one failed knock. Logins over 2026: in month m, alice signs in m times to
/// webmail from 198.51.100.1 and fails once at ssh from 198.51.100.2; bob fails twice at webmail from
/// 203.0.113.9 in months 1 to 6. One event each just before and just after March.
/// </summary>
internal static class GeneratedEvents
{
    public static readonly string[] Countries = ["CN", "US", "RU", "DE", "BR", "NL", "private address", "CN", "US", "CN"];

    public static readonly DateTimeOffset March = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    public static List<GatewayEvent> March2026()
    {
        var events = new List<GatewayEvent>();
        var n = 0;
        for (var d = 1; d <= 31; d++)
        {
            var day = March.AddDays(d - 1);
            foreach (var (port, count) in new[] { (443, d), (22, d % 3) })
            {
                for (var i = 0; i < count; i++, n++)
                {
                    var address = IPAddress.Parse($"192.0.2.{n % 250}");
                    events.Add(new GatewayEvent(day.AddMinutes(n % 1440), GatewayEventType.DroppedAttempt, port == 22 ? "ssh" : "webmail", address, port)
                    {
                        Country = Countries[n % Countries.Length],
                    });
                }
            }

            for (var i = 0; i < d % 4; i++)
            {
                events.Add(new GatewayEvent(day.AddHours(12).AddMinutes(i), GatewayEventType.KnockCompleted, "webmail", IPAddress.Parse("198.51.100.1"), 8000));
            }

            if (d % 2 == 1)
            {
                events.Add(new GatewayEvent(day.AddHours(13), GatewayEventType.KnockFailed, "webmail", IPAddress.Parse("203.0.113.9"), 9000, Detail: "wrong order"));
            }
        }

        events.Add(new GatewayEvent(March.AddMilliseconds(-1), GatewayEventType.DroppedAttempt, "webmail", IPAddress.Parse("192.0.2.1"), 443) { Country = "FR" });
        events.Add(new GatewayEvent(March.AddMonths(1), GatewayEventType.DroppedAttempt, "webmail", IPAddress.Parse("192.0.2.1"), 443) { Country = "FR" });
        return events;
    }

    public static List<GatewayEvent> Logins2026()
    {
        var events = new List<GatewayEvent>();
        for (var m = 1; m <= 12; m++)
        {
            var month = new DateTimeOffset(2026, m, 15, 8, 0, 0, TimeSpan.Zero);
            for (var i = 0; i < m; i++)
            {
                events.Add(new GatewayEvent(month.AddMinutes(i), GatewayEventType.LoginSucceeded, "webmail", IPAddress.Parse("198.51.100.1"), 443, "alice"));
            }

            events.Add(new GatewayEvent(month, GatewayEventType.LoginFailed, "ssh", IPAddress.Parse("198.51.100.2"), User: "alice", Detail: "password"));
            if (m <= 6)
            {
                events.Add(new GatewayEvent(month, GatewayEventType.LoginFailed, "webmail", IPAddress.Parse("203.0.113.9"), 443, "bob"));
                events.Add(new GatewayEvent(month.AddHours(1), GatewayEventType.LoginFailed, "webmail", IPAddress.Parse("203.0.113.9"), 443, "bob"));
            }
        }

        // The last instant of 2025 and the first of 2027 are outside the year.
        events.Add(new GatewayEvent(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMilliseconds(-1), GatewayEventType.LoginSucceeded, "webmail", IPAddress.Parse("198.51.100.1"), 443, "alice"));
        events.Add(new GatewayEvent(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero), GatewayEventType.LoginSucceeded, "webmail", IPAddress.Parse("198.51.100.1"), 443, "alice"));
        return events;
    }
}
