using WebKnock.Admin.Charts;
using WebKnock.Events;
using WebKnock.Tests.Events;

namespace WebKnock.Tests.Admin.Charts;

public sealed class ChartsDataTests : IDisposable
{
    private readonly TestStore _store = new();
    private readonly EventAnalytics _analytics;

    public ChartsDataTests()
    {
        _store.Store.Insert(GeneratedEvents.March2026());
        _store.Store.Insert(GeneratedEvents.Logins2026());
        _analytics = new EventAnalytics(_store.Store);
    }

    [Fact]
    public void All_services_read_the_month_for_the_day_charts_and_countries_and_its_year_for_the_logins()
    {
        var data = ChartsData.Load(_analytics, new ChartsSelection(2026, 3));

        Assert.Equal(_analytics.DroppedPerDay(DayRange.Month(2026, 3)), data.Dropped);
        Assert.Equal(527, data.DroppedAllServices);
        Assert.Equal(_analytics.TopCountries(DayRange.Month(2026, 3), 10), data.Countries);
        Assert.Equal(_analytics.KnocksPerDay(DayRange.Month(2026, 3)), data.Knocks);
        Assert.Equal(_analytics.LoginsPerMonth(DayRange.Year(2026), LoginGrouping.User), data.Logins);
    }

    [Fact]
    public void One_service_limits_every_chart_but_the_countries_whose_shares_stay_of_all_attempts()
    {
        var data = ChartsData.Load(_analytics, new ChartsSelection(2026, 3, "ssh", LoginGrouping.Address));

        Assert.All(data.Dropped, r => Assert.Equal(22, r.Port));
        Assert.Equal(31, data.Dropped.Sum(r => r.Count));
        Assert.Equal(527, data.DroppedAllServices);
        Assert.Equal(527, data.Countries.Sum(c => c.Count));
        Assert.Empty(data.Knocks);
        Assert.All(data.Logins, r => Assert.Equal(("ssh", "198.51.100.2"), (r.Service, r.Key)));
        Assert.Equal(12, data.Logins.Count);
    }

    public void Dispose() => _store.Dispose();
}
