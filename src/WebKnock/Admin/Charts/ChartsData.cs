using WebKnock.Events;

namespace WebKnock.Admin.Charts;

/// <summary>What the charts page shows: a month (the per-day charts and the top countries), its year (the logins), a service or all, and how the logins are grouped.</summary>
public sealed record ChartsSelection(int Year, int Month, string? Service = null, LoginGrouping Grouping = LoginGrouping.User)
{
    /// <summary>How many countries the top countries chart lists.</summary>
    public const int TopCountries = 10;

    public DayRange MonthRange => DayRange.Month(Year, Month);

    public DayRange YearRange => DayRange.Year(Year);
}

/// <summary>
/// The numbers behind the charts page, read with one query per chart (and one more for the total of
/// every service's dropped attempts when the page shows one service). Kept apart from the page so
/// that bench/events times exactly this set of queries.
/// </summary>
internal sealed record ChartsData(
    IReadOnlyList<PortDayCount> Dropped,
    long DroppedAllServices,
    IReadOnlyList<CountryCount> Countries,
    IReadOnlyList<KnockDayCount> Knocks,
    IReadOnlyList<LoginMonthCount> Logins)
{
    public static ChartsData Load(EventAnalytics analytics, ChartsSelection selection)
    {
        var month = selection.MonthRange;
        var dropped = analytics.DroppedPerDay(month, selection.Service);

        // The countries are counted over every service, so their shares are of every service's attempts.
        var all = selection.Service is null ? dropped : analytics.DroppedPerDay(month);
        return new ChartsData(
            dropped,
            all.Sum(r => r.Count),
            analytics.TopCountries(month, ChartsSelection.TopCountries),
            analytics.KnocksPerDay(month, selection.Service),
            analytics.LoginsPerMonth(selection.YearRange, selection.Grouping, selection.Service));
    }
}
