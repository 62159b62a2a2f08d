using System.Net;
using WebKnock.Events;

namespace WebKnock.Bench.Events;

/// <summary>
/// A year of gateway traffic in time order: mostly dropped attempts from many addresses (as on a host
/// on the Internet), knock steps and outcomes, windows, and a few logins by a few dozen users.
/// </summary>
internal static class EventGenerator
{
    private static readonly int[] ProtectedPorts = [443, 443, 443, 22, 22, 993];
    private static readonly string[] Users = [.. Enumerable.Range(0, 40).Select(i => $"user{i:00}")];
    private static readonly string[] KnockUsers = [.. Enumerable.Range(0, 30).Select(i => $"knock{i:00}")];

    public static GatewayEvent[] Year(int count, int year, int seed = 42)
    {
        var random = new Random(seed);
        var attackers = Enumerable.Range(0, 20_000).Select(_ => PublicV4(random)).ToArray();
        var staff = Enumerable.Range(0, 300).Select(_ => PublicV4(random)).ToArray();
        var v6 = Enumerable.Range(0, 2_000).Select(_ => PublicV6(random)).ToArray();
        var start = new DateTimeOffset(year, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var span = TimeSpan.FromDays(365).Ticks;
        var events = new GatewayEvent[count];
        for (var i = 0; i < count; i++)
        {
            var time = start.AddTicks(span / count * i);
            var roll = random.Next(100);
            var service = random.Next(4) == 0 ? "ssh" : "webmail";
            events[i] = roll switch
            {
                < 60 => new GatewayEvent(time, GatewayEventType.DroppedAttempt, service,
                    random.Next(10) == 0 ? v6[random.Next(v6.Length)] : attackers[Skewed(random, attackers.Length)], ProtectedPorts[random.Next(ProtectedPorts.Length)]),
                < 80 => new GatewayEvent(time, GatewayEventType.KnockStep, service, staff[random.Next(staff.Length)], 7000 + random.Next(3) * 1000, Detail: "step 1"),
                < 84 => new GatewayEvent(time, GatewayEventType.KnockCompleted, service, staff[random.Next(staff.Length)], 8000),
                < 87 => new GatewayEvent(time, GatewayEventType.KnockFailed, service, attackers[random.Next(attackers.Length)], 9000, Detail: "wrong order"),
                < 88 => new GatewayEvent(time, GatewayEventType.KnockFlood, service, attackers[random.Next(attackers.Length)], 7000),
                < 89 => new GatewayEvent(time, GatewayEventType.ScanBlocked, service, attackers[random.Next(attackers.Length)]),
                < 92 => Window(time, service, staff, random.Next(staff.Length)),
                < 95 => new GatewayEvent(time, GatewayEventType.WindowExtended, service, staff[random.Next(staff.Length)], Detail: "Extend"),
                < 98 => new GatewayEvent(time, GatewayEventType.WindowClosed, service, staff[random.Next(staff.Length)], Detail: "Deadline"),
                < 99 => new GatewayEvent(time, GatewayEventType.LoginSucceeded, service, staff[random.Next(staff.Length)], User: Users[random.Next(Users.Length)]),
                _ => new GatewayEvent(time, GatewayEventType.LoginFailed, service,
                    random.Next(2) == 0 ? attackers[random.Next(attackers.Length)] : staff[random.Next(staff.Length)], User: random.Next(3) == 0 ? "admin" : Users[random.Next(Users.Length)]),
            };
        }

        return events;
    }

    /// <summary>A window opened: by a knock user's TOTP knock from every other staff address (the same user each time), else by the plain knock.</summary>
    private static GatewayEvent Window(DateTimeOffset time, string service, IPAddress[] staff, int index) => index % 2 == 0
        ? new GatewayEvent(time, GatewayEventType.WindowOpened, service, staff[index], User: KnockUsers[index / 2 % KnockUsers.Length], Detail: "TotpKnock")
        : new GatewayEvent(time, GatewayEventType.WindowOpened, service, staff[index], Detail: "Knock");

    // A few addresses do most of the scanning, as in real logs.
    private static int Skewed(Random random, int length) => (int)(length * Math.Pow(random.NextDouble(), 3));

    private static IPAddress PublicV4(Random random)
    {
        while (true)
        {
            var bytes = new byte[4];
            random.NextBytes(bytes);
            if (bytes[0] is not (0 or 10 or 100 or 127 or 169 or 172 or 192 or 198 or 203) && bytes[0] < 224)
            {
                return new IPAddress(bytes);
            }
        }
    }

    private static IPAddress PublicV6(Random random)
    {
        var bytes = new byte[16];
        random.NextBytes(bytes);
        bytes[0] = 0x2a;
        bytes[1] = (byte)random.Next(0x00, 0x10);
        return new IPAddress(bytes);
    }
}
