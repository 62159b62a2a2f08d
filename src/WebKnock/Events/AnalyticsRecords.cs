namespace WebKnock.Events;

/// <summary>A span of whole days, both ends included, in UTC (the store's days are UTC days).</summary>
public readonly record struct DayRange(DateOnly From, DateOnly To)
{
    public static DayRange Month(int year, int month)
    {
        var first = new DateOnly(year, month, 1);
        return new DayRange(first, first.AddMonths(1).AddDays(-1));
    }

    public static DayRange Year(int year) => new(new DateOnly(year, 1, 1), new DateOnly(year, 12, 31));

    /// <summary>The <paramref name="days"/> days that end with <paramref name="lastDay"/>.</summary>
    public static DayRange Ending(DateOnly lastDay, int days) => new(lastDay.AddDays(1 - days), lastDay);

    /// <summary>The first instant of <see cref="From"/>, in Unix milliseconds.</summary>
    internal long StartMs => ToMs(From);

    /// <summary>The first instant after <see cref="To"/>, in Unix milliseconds.</summary>
    internal long EndMs => ToMs(To.AddDays(1));

    /// <summary>The UTC day number since the epoch of <see cref="From"/>, as the daily counts key it.</summary>
    internal long FirstDay => From.DayNumber - (long)UnixEpochDay;

    /// <summary>The UTC day number since the epoch of <see cref="To"/>.</summary>
    internal long LastDay => To.DayNumber - (long)UnixEpochDay;

    internal static DateOnly DayOf(long dayNumber) => DateOnly.FromDayNumber(UnixEpochDay + (int)dayNumber);

    private static readonly int UnixEpochDay = new DateOnly(1970, 1, 1).DayNumber;

    private static long ToMs(DateOnly day) => (day.DayNumber - (long)UnixEpochDay) * 86_400_000L;
}

/// <summary>Dropped attempts at one protected port on one day.</summary>
public sealed record PortDayCount(DateOnly Day, int Port, long Count);

/// <summary>How many events came from one country (or a label such as "private address", or "unknown").</summary>
public sealed record CountryCount(string Country, long Count);

/// <summary>What the login counts are grouped by, besides the month and the service.</summary>
public enum LoginGrouping
{
    /// <summary>One row per service and month; the key is the service.</summary>
    Service,
    User,
    Address,
}

/// <summary>Successful and failed logins of one service in one month, for one key (a user, an address, or the service).</summary>
public sealed record LoginMonthCount(int Year, int Month, string Service, string Key, long Succeeded, long Failed);

/// <summary>Knock sequences completed and failed (wrong order or timed out) on one day.</summary>
public sealed record KnockDayCount(DateOnly Day, long Completed, long Failed);
