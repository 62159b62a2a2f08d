using WebKnock.Events;

namespace WebKnock.Admin.Charts;

/// <summary>
/// What the charts page shows: a month (the per-day charts, the top countries, the knock users), its year (the logins),
/// a service or all, how the logins are grouped, one user or all, and how many users the opens per day show on their own.
/// </summary>
public sealed record ChartsSelection(int Year, int Month, string? Service = null, LoginGrouping Grouping = LoginGrouping.User, string? User = null, int TopUsers = ChartsSelection.DefaultTopUsers)
{
    /// <summary>How many countries the top countries chart lists.</summary>
    public const int TopCountries = 10;

    /// <summary>Users the opens per day show on their own by default; the rest are "others".</summary>
    public const int DefaultTopUsers = 5;

    /// <summary>The most users shown on their own: seven colours and the others' grey (<c>wk-series-7</c>).</summary>
    public const int MaxTopUsers = 7;

    /// <summary>The most knock users the users table lists (then "and N more").</summary>
    public const int UsersListed = 25;

    public DayRange MonthRange => DayRange.Month(Year, Month);

    public DayRange YearRange => DayRange.Year(Year);
}

/// <summary>
/// The numbers behind the charts page, read with one query per chart (and one more for the total of
/// every service's dropped attempts when the page shows one service). Kept apart from the page so
/// that bench/events times exactly this set of queries. With a user, every chart counts that user's
/// events: dropped attempts are nobody's (a dropped packet carries no credential), the countries are
/// those of the user's opens, the knocks and logins those under the user's name.
/// </summary>
internal sealed record ChartsData(
    IReadOnlyList<PortDayCount> Dropped,
    long DroppedAllServices,
    IReadOnlyList<CountryCount> Countries,
    IReadOnlyList<KnockDayCount> Knocks,
    IReadOnlyList<LoginMonthCount> Logins,
    UserActivityList Users,
    IReadOnlyList<UserDayCount> UserOpens,
    IReadOnlyList<string> ShownUsers)
{
    public static ChartsData Load(EventAnalytics analytics, ChartsSelection selection)
    {
        var month = selection.MonthRange;
        var (users, opens, shown) = LoadUsers(analytics, selection);
        if (selection.User is { } user)
        {
            return new ChartsData(
                [],
                0,
                analytics.TopCountriesOfUser(month, user, ChartsSelection.TopCountries, selection.Service),
                analytics.KnocksPerDayOfUser(month, user, selection.Service),
                analytics.LoginsPerMonth(selection.YearRange, selection.Grouping, selection.Service, user),
                users,
                opens,
                shown);
        }

        var dropped = analytics.DroppedPerDay(month, selection.Service);

        // The countries are counted over every service, so their shares are of every service's attempts.
        var all = selection.Service is null ? dropped : analytics.DroppedPerDay(month);
        return new ChartsData(
            dropped,
            all.Sum(r => r.Count),
            analytics.TopCountries(month, ChartsSelection.TopCountries),
            analytics.KnocksPerDay(month, selection.Service),
            analytics.LoginsPerMonth(selection.YearRange, selection.Grouping, selection.Service),
            users,
            opens,
            shown);
    }

    /// <summary>The knock users of the month (capped), their sign-ins, and the opens per day of the top ones and the others.</summary>
    private static (UserActivityList Users, IReadOnlyList<UserDayCount> Opens, IReadOnlyList<string> Shown) LoadUsers(EventAnalytics analytics, ChartsSelection selection)
    {
        var month = selection.MonthRange;
        var list = analytics.UserActivity(month, ChartsSelection.UsersListed, selection.User, selection.Service);
        var signIns = analytics.SignInsThroughWindows(month, [.. list.Users.Select(u => u.User)], selection.Service);
        var users = list with
        {
            Users = [.. list.Users.Select(u => signIns.TryGetValue(u.User, out var s) ? u with { SignIns = s.Succeeded, FailedSignIns = s.Failed } : u)],
        };
        var top = Math.Clamp(selection.TopUsers, 1, ChartsSelection.MaxTopUsers);
        string[] shown = [.. users.Users.Where(u => u.Opens > 0).Take(top).Select(u => u.User)];
        return (users, analytics.OpensPerDay(month, shown, selection.User, selection.Service), shown);
    }
}
