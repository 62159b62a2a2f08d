using WebKnock.Events;

namespace WebKnock.Tests.Events;

public sealed class AnalyticsTests : IDisposable
{
    private static readonly List<GatewayEvent> March = GeneratedEvents.March2026();
    private readonly TestStore _store = new();
    private readonly EventAnalytics _analytics;

    public AnalyticsTests()
    {
        _store.Store.Insert(March);
        _store.Store.Insert(GeneratedEvents.Logins2026());
        _analytics = new EventAnalytics(_store.Store);
    }

    [Fact]
    public void Dropped_attempts_per_day_and_port_are_exact_for_the_month()
    {
        var rows = _analytics.DroppedPerDay(DayRange.Month(2026, 3));

        var expected = Enumerable.Range(1, 31)
            .SelectMany(d => new[] { new PortDayCount(new DateOnly(2026, 3, d), 22, d % 3), new PortDayCount(new DateOnly(2026, 3, d), 443, d) })
            .Where(r => r.Count > 0)
            .ToList();
        Assert.Equal(expected, rows);
        Assert.Equal(527, rows.Sum(r => r.Count));
    }

    [Fact]
    public void Dropped_attempts_can_be_limited_to_a_service_and_days()
    {
        var rows = _analytics.DroppedPerDay(new DayRange(new DateOnly(2026, 3, 30), new DateOnly(2026, 3, 31)), "ssh");

        Assert.Equal([new PortDayCount(new DateOnly(2026, 3, 31), 22, 1)], rows);
    }

    [Fact]
    public void Day_boundaries_are_UTC_midnights()
    {
        Assert.Equal([new PortDayCount(new DateOnly(2026, 2, 28), 443, 1)], _analytics.DroppedPerDay(new DayRange(new DateOnly(2026, 2, 28), new DateOnly(2026, 2, 28))));
        Assert.Equal([new PortDayCount(new DateOnly(2026, 4, 1), 443, 1)], _analytics.DroppedPerDay(DayRange.Month(2026, 4)));
    }

    [Fact]
    public void The_top_five_countries_of_the_month_come_with_their_counts()
    {
        var top = _analytics.TopCountries(DayRange.Month(2026, 3), 5);

        var expected = March
            .Where(e => e.Type == GatewayEventType.DroppedAttempt && e.Time >= GeneratedEvents.March && e.Time < GeneratedEvents.March.AddMonths(1))
            .GroupBy(e => e.Country!)
            .Select(g => new CountryCount(g.Key, g.Count()))
            .OrderByDescending(c => c.Count).ThenBy(c => c.Country, StringComparer.Ordinal)
            .Take(5)
            .ToList();
        Assert.Equal(expected, top);
        Assert.Equal(["CN", "US", "BR", "DE", "NL"], top.Select(c => c.Country));
        Assert.Equal(52 * 3 + 1, top[0].Count); // CN is 3 in every 10 of the 527 attempts, and the first of the last 7
        Assert.Equal(53, top[2].Count); // BR, DE, NL, RU and private addresses tie: ordered by name
        Assert.DoesNotContain(top, c => c.Country == "FR");
    }

    [Fact]
    public void Countries_never_looked_up_are_counted_as_unknown()
    {
        _store.Store.Insert([new GatewayEvent(new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero), GatewayEventType.DroppedAttempt, Port: 443)]);

        Assert.Equal([new CountryCount("unknown", 1)], _analytics.TopCountries(DayRange.Month(2026, 5)));
    }

    [Fact]
    public void Logins_per_user_and_month_over_the_year_per_service()
    {
        var rows = _analytics.LoginsPerMonth(DayRange.Year(2026), LoginGrouping.User);

        Assert.Equal(12 * 2 + 6, rows.Count);
        Assert.Contains(new LoginMonthCount(2026, 1, "webmail", "alice", 1, 0), rows);
        Assert.Contains(new LoginMonthCount(2026, 12, "webmail", "alice", 12, 0), rows);
        Assert.Contains(new LoginMonthCount(2026, 7, "ssh", "alice", 0, 1), rows);
        Assert.Contains(new LoginMonthCount(2026, 6, "webmail", "bob", 0, 2), rows);
        Assert.DoesNotContain(rows, r => r.Key == "bob" && r.Month > 6);
        Assert.Equal(78, rows.Where(r => r.Key == "alice").Sum(r => r.Succeeded));
    }

    [Fact]
    public void Logins_per_address_and_per_service()
    {
        var byAddress = _analytics.LoginsPerMonth(DayRange.Year(2026), LoginGrouping.Address, "webmail");
        Assert.Contains(new LoginMonthCount(2026, 3, "webmail", "198.51.100.1", 3, 0), byAddress);
        Assert.Contains(new LoginMonthCount(2026, 3, "webmail", "203.0.113.9", 0, 2), byAddress);
        Assert.DoesNotContain(byAddress, r => r.Service == "ssh");

        var byService = _analytics.LoginsPerMonth(DayRange.Year(2026), LoginGrouping.Service);
        Assert.Contains(new LoginMonthCount(2026, 3, "webmail", "webmail", 3, 2), byService);
        Assert.Contains(new LoginMonthCount(2026, 9, "webmail", "webmail", 9, 0), byService);
        Assert.Contains(new LoginMonthCount(2026, 9, "ssh", "ssh", 0, 1), byService);
        Assert.Equal(24, byService.Count);
    }

    [Fact]
    public void Logins_per_user_and_month_are_exactly_the_generated_ones()
    {
        var rows = _analytics.LoginsPerMonth(DayRange.Year(2026), LoginGrouping.User);

        // Counted again from the generated events, not from the store.
        var expected = GeneratedEvents.Logins2026()
            .Where(e => e.Time.Year == 2026)
            .GroupBy(e => (e.Time.Month, Service: e.Service!, User: e.User!))
            .Select(g => new LoginMonthCount(2026, g.Key.Month, g.Key.Service, g.Key.User,
                g.Count(e => e.Type == GatewayEventType.LoginSucceeded), g.Count(e => e.Type == GatewayEventType.LoginFailed)))
            .OrderBy(r => r.Month).ThenBy(r => r.Service, StringComparer.Ordinal).ThenBy(r => r.Key, StringComparer.Ordinal)
            .ToList();
        Assert.Equal(expected, rows);
    }

    [Fact]
    public void Knocks_per_day_completed_and_failed()
    {
        var rows = _analytics.KnocksPerDay(DayRange.Month(2026, 3));

        var expected = Enumerable.Range(1, 31)
            .Select(d => new KnockDayCount(new DateOnly(2026, 3, d), d % 4, d % 2))
            .Where(r => r.Completed + r.Failed > 0)
            .ToList();
        Assert.Equal(expected, rows);
        Assert.Empty(_analytics.KnocksPerDay(DayRange.Month(2026, 3), "ssh"));
    }

    [Fact]
    public void Day_ranges_cover_whole_months_and_years()
    {
        Assert.Equal(new DayRange(new DateOnly(2024, 2, 1), new DateOnly(2024, 2, 29)), DayRange.Month(2024, 2));
        Assert.Equal(new DayRange(new DateOnly(2026, 1, 1), new DateOnly(2026, 12, 31)), DayRange.Year(2026));
        Assert.Equal(new DayRange(new DateOnly(2026, 2, 26), new DateOnly(2026, 3, 27)), DayRange.Ending(new DateOnly(2026, 3, 27), 30));
    }

    public void Dispose() => _store.Dispose();
}
