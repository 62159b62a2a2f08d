using System.Globalization;
using WebKnock.Windows;

namespace WebKnock.Admin;

/// <summary>How the admin pages write times and reasons.</summary>
public static class AdminText
{
    /// <summary>12:34 below an hour, 1:02:03 from an hour on; never negative.</summary>
    public static string Remaining(TimeSpan left)
    {
        var seconds = Math.Max(0, (long)Math.Ceiling(left.TotalSeconds));
        var hours = seconds / 3600;
        return hours > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{hours}:{seconds / 60 % 60:00}:{seconds % 60:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{seconds / 60:00}:{seconds % 60:00}");
    }

    /// <summary>A time of day in UTC, with the date when it is not today's.</summary>
    public static string Time(DateTimeOffset time, DateTimeOffset now) =>
        time.UtcDateTime.Date == now.UtcDateTime.Date
            ? time.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture)
            : time.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    /// <summary>The deadline as the page script reads it: Unix milliseconds.</summary>
    public static string UnixMilliseconds(DateTimeOffset time) => time.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>How a window opened: knock, extension, manual (an administrator), restored (found in the firewall at start), found in the firewall later (a lost knock report).</summary>
    public static string HowOpened(WindowReason reason) => reason switch
    {
        WindowReason.Knock or WindowReason.Reknock => "knock",
        WindowReason.Extend => "extension",
        WindowReason.Manual or WindowReason.Administrator => "manual",
        WindowReason.Restored => "restored",
        WindowReason.Reconciled => "found in the firewall",
        _ => reason.ToString().ToLowerInvariant(),
    };

    /// <summary>What last moved the deadline: a new knock, the user's extension, or an administrator.</summary>
    public static string HowExtended(WindowReason reason) => reason switch
    {
        WindowReason.Knock or WindowReason.Reknock => "knock",
        _ => HowOpened(reason),
    };
}
