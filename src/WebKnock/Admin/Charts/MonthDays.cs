using System.Globalization;

namespace WebKnock.Admin.Charts;

/// <summary>The days of one month as a chart's categories: labels "1" to "31", titles "3 November 2026".</summary>
internal sealed class MonthDays
{
    public MonthDays(int year, int month)
    {
        Year = year;
        Month = month;
        Days = [.. Enumerable.Range(1, DateTime.DaysInMonth(year, month)).Select(d => new DateOnly(year, month, d))];
        Labels = [.. Days.Select(d => d.Day.ToString(CultureInfo.InvariantCulture))];
        Titles = [.. Days.Select(ChartText.Day)];
    }

    public int Year { get; }

    public int Month { get; }

    public IReadOnlyList<DateOnly> Days { get; }

    public IReadOnlyList<string> Labels { get; }

    public IReadOnlyList<string> Titles { get; }

    /// <summary>"November 2026".</summary>
    public string Name => ChartText.Month(Year, Month);

    /// <summary>The category of <paramref name="day"/>, or -1 outside the month.</summary>
    public int IndexOf(DateOnly day) => day.Year == Year && day.Month == Month ? day.Day - 1 : -1;

    /// <summary>One value per day from rows keyed by day; rows outside the month are left out.</summary>
    public long[] Values<T>(IEnumerable<T> rows, Func<T, DateOnly> day, Func<T, long> value)
    {
        var values = new long[Days.Count];
        foreach (var row in rows)
        {
            var i = IndexOf(day(row));
            if (i >= 0)
            {
                values[i] += value(row);
            }
        }

        return values;
    }
}
