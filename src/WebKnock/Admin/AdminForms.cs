using System.Globalization;

namespace WebKnock.Admin;

/// <summary>
/// The names of the Now page's forms (Blazor's form names, which also tell a POST which handler it is for)
/// and of their fields. Row buttons (Extend, Close, Unblock) submit one shared form each, through the button's
/// <c>form</c> attribute, carrying their row in the button's name and value: a form name stays the same
/// whatever rows the table has when the POST arrives.
/// </summary>
public static class AdminForms
{
    public const string Extend = "extend";
    public const string Close = "close";
    public const string Open = "open";
    public const string Block = "block";
    public const string Unblock = "unblock";
    public const string SignIn = "sign-in";
    public const string SignOut = "sign-out";

    /// <summary>The HTML id of a form, for the row buttons' <c>form</c> attribute.</summary>
    public static string Id(string form) => "admin-" + form;

    /// <summary>Field names.</summary>
    public const string Target = "target";
    public const string Service = "service";
    public const string Duration = "duration";
    public const string Minutes = "minutes";
    public const string Address = "address";
    public const string Name = "name";
    public const string Password = "password";

    /// <summary>Durations offered for opening a window, in minutes (those longer than the service's MaxWindow are left out).</summary>
    public static readonly int[] OpenDurations = [15, 30, 60, 120, 240, 480, 720];

    /// <summary>Durations offered for a block, in minutes.</summary>
    public static readonly int[] BlockDurations = [15, 60, 240, 1440, 10080];

    /// <summary>"15 min", "2 h", "1 day", "7 days".</summary>
    public static string DurationLabel(int minutes) => minutes switch
    {
        >= 1440 when minutes % 1440 == 0 => minutes == 1440 ? "1 day" : string.Create(CultureInfo.InvariantCulture, $"{minutes / 1440} days"),
        >= 60 when minutes % 60 == 0 => string.Create(CultureInfo.InvariantCulture, $"{minutes / 60} h"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{minutes} min"),
    };
}
