using System.Globalization;

namespace WebKnock.Admin.Charts;

/// <summary>How the charts write numbers, coordinates, months and days: the same on every server.</summary>
internal static class ChartText
{
    private static readonly DateTimeFormatInfo Dates = CultureInfo.InvariantCulture.DateTimeFormat;

    /// <summary>A count with thousands separators: 12,345.</summary>
    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>An SVG coordinate or length: up to three decimals, a dot.</summary>
    public static string Coordinate(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>A share as a percentage with one decimal: 12.5 %.</summary>
    public static string Share(long part, long whole) =>
        whole <= 0 ? "" : ((double)part / whole * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %";

    public static string MonthName(int month) => Dates.GetMonthName(month);

    public static string ShortMonthName(int month) => Dates.GetAbbreviatedMonthName(month);

    /// <summary>November 2026.</summary>
    public static string Month(int year, int month) => $"{MonthName(month)} {year.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>3 November 2026.</summary>
    public static string Day(DateOnly day) => $"{day.Day.ToString(CultureInfo.InvariantCulture)} {MonthName(day.Month)} {day.Year.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>About how wide <paramref name="text"/> is in the charts' 12 px labels (SVG cannot measure on the server).</summary>
    public static double Width(string text) => text.Length * 7.0;
}
