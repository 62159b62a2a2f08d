using System.Net;
using WebKnock.Events;

namespace WebKnock.Tests.Events;

/// <summary>The knock users' chart queries on a real SQLite store (<see cref="KnockUserEvents"/>).</summary>
public sealed class UserAnalyticsTests : IDisposable
{
    private static readonly DayRange March = DayRange.Month(2026, 3);
    private readonly TestStore _store = new();
    private readonly EventAnalytics _analytics;

    public UserAnalyticsTests()
    {
        _store.Store.Insert(KnockUserEvents.March2026());
        _analytics = new EventAnalytics(_store.Store);
    }

    [Fact]
    public void Each_users_windows_opens_by_kind_and_replays_most_opens_first()
    {
        var list = _analytics.UserActivity(March, cap: 10);

        Assert.Equal(
            [
                new UserActivity("alice", Windows: 3, Totp: 1, Spa: 2, PlainReknocks: 1, Replays: 2),
                new UserActivity("bob", Windows: 1, Totp: 2, Spa: 0, PlainReknocks: 0, Replays: 0),
                new UserActivity("dave", Windows: 1, Totp: 1, Spa: 0, PlainReknocks: 0, Replays: 0),
            ],
            list.Users);
        Assert.Equal(3, list.TotalUsers);
        Assert.Equal(0, list.More);
        Assert.Equal(4, list.Users[0].Opens);
    }

    [Fact]
    public void The_cap_keeps_the_most_active_and_counts_the_rest()
    {
        var list = _analytics.UserActivity(March, cap: 2);

        Assert.Equal(["alice", "bob"], list.Users.Select(u => u.User));
        Assert.Equal(3, list.TotalUsers);
        Assert.Equal(1, list.More);
        Assert.Single(_analytics.UserActivity(March, cap: -5).Users); // at least one
    }

    [Fact]
    public void Events_without_a_user_and_other_names_are_no_ones_activity()
    {
        var names = _analytics.UserActivity(March, cap: 10).Users.Select(u => u.User).ToList();

        Assert.DoesNotContain("root", names); // an administrator's action
        Assert.DoesNotContain("alice@example.org", names); // a webmail login's name
        Assert.DoesNotContain("", names);
    }

    [Fact]
    public void A_user_and_a_service_narrow_the_list()
    {
        Assert.Equal([new UserActivity("bob", 1, 2, 0, 0, 0)], _analytics.UserActivity(March, 10, user: "bob").Users);
        Assert.Empty(_analytics.UserActivity(March, 10, user: "nobody").Users);

        // At ssh: alice's SPA window only (the replays were at webmail, an SPA refusal has no service).
        Assert.Equal([new UserActivity("alice", 1, 0, 1, 0, 0)], _analytics.UserActivity(March, 10, service: "ssh").Users);
    }

    [Fact]
    public void The_period_is_whole_UTC_days()
    {
        var april = _analytics.UserActivity(DayRange.Month(2026, 4), 10);

        Assert.Equal([new UserActivity("alice", 1, 1, 0, 0, 0)], april.Users);
        Assert.Equal(["bob"], _analytics.UserActivity(new DayRange(new DateOnly(2026, 3, 4), new DateOnly(2026, 3, 4)), 10).Users.Select(u => u.User));
    }

    [Fact]
    public void Sign_ins_are_attributed_through_the_latest_window_of_their_address_and_service()
    {
        var signIns = _analytics.SignInsThroughWindows(March, ["alice", "bob", "dave", "nobody"]);

        // alice: one success and one failure while her window was open; the sign-in after it closed is nobody's.
        // bob: an ssh sign-in from his webmail window's address is not through his window. dave is removed, his history stays.
        Assert.Equal(new Dictionary<string, (long, long)> { ["alice"] = (1, 1), ["dave"] = (1, 0) }, signIns);
        Assert.Equal(new Dictionary<string, (long, long)> { ["dave"] = (1, 0) }, _analytics.SignInsThroughWindows(March, ["dave"]));
        Assert.Empty(_analytics.SignInsThroughWindows(March, ["alice"], service: "ssh"));
        Assert.Empty(_analytics.SignInsThroughWindows(March, []));
    }

    [Fact]
    public void Opens_per_day_are_split_into_the_shown_users_and_the_others()
    {
        var rows = _analytics.OpensPerDay(March, ["alice"]);

        Assert.Equal(
            [
                new UserDayCount(new DateOnly(2026, 3, 3), "alice", 2),
                new UserDayCount(new DateOnly(2026, 3, 4), "", 2),
                new UserDayCount(new DateOnly(2026, 3, 5), "alice", 2),
                new UserDayCount(new DateOnly(2026, 3, 6), "", 1),
            ],
            rows);
        Assert.Equal(7, _analytics.OpensPerDay(March, []).Sum(r => r.Count)); // everybody's opens, as others
        Assert.Equal([new UserDayCount(new DateOnly(2026, 3, 4), "bob", 2)], _analytics.OpensPerDay(March, ["bob"], user: "bob"));
    }

    [Fact]
    public void A_users_countries_knocks_and_logins()
    {
        Assert.Equal([new CountryCount("DE", 2), new CountryCount("US", 1), new CountryCount("unknown", 1)], _analytics.TopCountriesOfUser(March, "alice"));
        Assert.Equal([new CountryCount("DE", 2)], _analytics.TopCountriesOfUser(March, "alice", count: 1));

        Assert.Equal([new KnockDayCount(new DateOnly(2026, 3, 3), 1, 0)], _analytics.KnocksPerDayOfUser(March, "alice"));
        Assert.Empty(_analytics.KnocksPerDayOfUser(March, "bob"));

        var logins = _analytics.LoginsPerMonth(DayRange.Year(2026), LoginGrouping.User, user: "alice@example.org");
        Assert.Equal([new LoginMonthCount(2026, 3, "webmail", "alice@example.org", 2, 0)], logins);
    }

    [Fact]
    public void Names_are_parameters_not_sql()
    {
        Assert.Empty(_analytics.UserActivity(March, 10, user: "x' OR '1'='1").Users);
        Assert.Empty(_analytics.SignInsThroughWindows(March, ["x') OR 1=1 --"]));
        Assert.Equal(7, _analytics.OpensPerDay(March, ["') OR 1=1 --"]).Where(r => r.User.Length == 0).Sum(r => r.Count));
    }

    public void Dispose() => _store.Dispose();
}

/// <summary>
/// Knock users' events in March 2026 (and one in April). alice: a TOTP window at webmail on the 3rd re-knocked by a
/// plain knock, extended by the banner, closed; SPA windows at ssh and webmail (a network window) on the 5th; a TOTP
/// replay and an SPA replay (and a stale SPA packet, no replay). bob: a TOTP window on the 4th re-opened by TOTP.
/// dave (a removed user): a TOTP window on the 6th. Besides: a plain window without user, logins, an admin action.
/// </summary>
internal static class KnockUserEvents
{
    public static readonly DateTimeOffset March = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    public static List<GatewayEvent> March2026()
    {
        var alice = IPAddress.Parse("198.51.100.1");
        var d3 = March.AddDays(2).AddHours(10);
        var d4 = March.AddDays(3).AddHours(10);
        var d5 = March.AddDays(4).AddHours(10);
        var d6 = March.AddDays(5).AddHours(10);
        return
        [
            new(d3, GatewayEventType.KnockCompleted, "webmail", alice, User: "alice", Detail: "totp step 1"),
            new(d3, GatewayEventType.KnockCompleted, "webmail", IPAddress.Parse("198.51.100.5")),
            new(d3, GatewayEventType.WindowOpened, "webmail", alice, User: "alice", Detail: "TotpKnock") { Country = "DE" },
            new(d3.AddMinutes(5), GatewayEventType.LoginSucceeded, "webmail", alice, User: "alice@example.org"),
            new(d3.AddMinutes(6), GatewayEventType.LoginFailed, "webmail", alice, User: "mallory"),
            new(d3.AddMinutes(10), GatewayEventType.WindowExtended, "webmail", alice, User: "alice", Detail: "Reknock") { Country = "DE" },
            new(d3.AddMinutes(20), GatewayEventType.WindowExtended, "webmail", alice, User: "alice", Detail: "Extend"),
            new(d3.AddMinutes(30), GatewayEventType.WindowClosed, "webmail", alice, User: "alice", Detail: "LastSignOut"),
            new(d3.AddMinutes(40), GatewayEventType.LoginSucceeded, "webmail", alice, User: "alice@example.org"),

            new(d3, GatewayEventType.WindowOpened, "webmail", IPAddress.Parse("198.51.100.5"), Detail: "Knock"),
            new(d3.AddMinutes(1), GatewayEventType.WindowExtended, "webmail", IPAddress.Parse("198.51.100.5"), Detail: "Reknock"),
            new(d3.AddMinutes(2), GatewayEventType.LoginSucceeded, "webmail", IPAddress.Parse("198.51.100.5"), User: "carol"),
            new(d3, GatewayEventType.AdminAction, User: "root", Detail: "close"),

            new(d4, GatewayEventType.WindowOpened, "webmail", IPAddress.Parse("198.51.100.3"), User: "bob", Detail: "TotpKnock"),
            new(d4.AddMinutes(1), GatewayEventType.WindowExtended, "webmail", IPAddress.Parse("198.51.100.3"), User: "bob", Detail: "TotpKnock"),
            new(d4.AddMinutes(2), GatewayEventType.LoginSucceeded, "ssh", IPAddress.Parse("198.51.100.3"), User: "bob"),

            new(d5, GatewayEventType.WindowOpened, "ssh", IPAddress.Parse("198.51.100.2"), User: "alice", Detail: "SpaKnock") { Country = "US" },
            new(d5, GatewayEventType.WindowOpened, "webmail", IPAddress.Parse("198.51.100.0"), User: "alice", Detail: "SpaKnock 198.51.100.0/24"),
            new(d5.AddMinutes(1), GatewayEventType.KnockReplay, "webmail", IPAddress.Parse("203.0.113.9"), 20001, "alice", "totp step 2 first from 198.51.100.1"),
            new(d5.AddMinutes(2), GatewayEventType.SpaRefused, null, IPAddress.Parse("203.0.113.9"), 62201, "alice", "replay"),
            new(d5.AddMinutes(3), GatewayEventType.SpaRefused, null, IPAddress.Parse("203.0.113.9"), 62201, "alice", "stale"),

            new(d6, GatewayEventType.WindowOpened, "webmail", IPAddress.Parse("198.51.100.4"), User: "dave", Detail: "TotpKnock"),
            new(d6.AddMinutes(1), GatewayEventType.LoginSucceeded, "webmail", IPAddress.Parse("198.51.100.4"), User: "dave"),

            new(March.AddMonths(1), GatewayEventType.WindowOpened, "webmail", alice, User: "alice", Detail: "TotpKnock"),
        ];
    }
}
