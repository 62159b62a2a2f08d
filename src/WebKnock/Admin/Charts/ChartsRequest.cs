using System.Globalization;
using WebKnock.Admin.Events;
using WebKnock.Events;
using WebKnock.Knocking;

namespace WebKnock.Admin.Charts;

/// <summary>The charts page's query string (year, month, service, group, user, top) read into a <see cref="ChartsSelection"/>: a bad value is a message and its default.</summary>
internal static class ChartsRequest
{
    public const int FirstYear = 1970;
    // DayRange.Month of December 9999 would end past DateOnly.MaxValue.
    public const int LastYear = 9998;

    /// <summary>The services the page offers, in this order.</summary>
    public static readonly IReadOnlyList<string> Services = [ServiceNames.Webmail, ServiceNames.Ssh];

    /// <param name="today">The default month and year (UTC, as the store's days).</param>
    /// <param name="user">One user whose events alone the charts count (read as the events page reads it).</param>
    /// <param name="top">How many users the opens per day show on their own (1 to <see cref="ChartsSelection.MaxTopUsers"/>).</param>
    public static ChartsSelection Parse(string? year, string? month, string? service, string? group, DateOnly today, List<string> errors, string? user = null, string? top = null)
    {
        var y = today.Year;
        if (!string.IsNullOrWhiteSpace(year))
        {
            if (int.TryParse(year.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed is >= FirstYear and <= LastYear)
            {
                y = parsed;
            }
            else
            {
                errors.Add($"The year must be a number from {FirstYear} to {LastYear}, not \"{Shorten(year)}\"; showing {y}.");
            }
        }

        var m = today.Month;
        if (!string.IsNullOrWhiteSpace(month))
        {
            if (int.TryParse(month.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed is >= 1 and <= 12)
            {
                m = parsed;
            }
            else
            {
                errors.Add($"The month must be a number from 1 to 12, not \"{Shorten(month)}\"; showing {ChartText.MonthName(m)}.");
            }
        }

        string? s = null;
        if (!string.IsNullOrWhiteSpace(service))
        {
            s = Services.FirstOrDefault(known => string.Equals(known, service.Trim(), StringComparison.OrdinalIgnoreCase));
            if (s is null)
            {
                errors.Add($"There is no service \"{Shorten(service)}\" (only {string.Join(" and ", Services)}); showing all.");
            }
        }

        var grouping = LoginGrouping.User;
        if (!string.IsNullOrWhiteSpace(group))
        {
            switch (group.Trim().ToLowerInvariant())
            {
                case "user":
                    break;
                case "address":
                    grouping = LoginGrouping.Address;
                    break;
                default:
                    errors.Add($"Logins are grouped by user or address, not \"{Shorten(group)}\"; showing users.");
                    break;
            }
        }

        var name = UserFilterText.Parse(user, out var userError);
        if (userError is not null)
        {
            errors.Add(userError + "; showing every user.");
        }

        var topUsers = ChartsSelection.DefaultTopUsers;
        if (!string.IsNullOrWhiteSpace(top))
        {
            if (int.TryParse(top.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed is >= 1 and <= ChartsSelection.MaxTopUsers)
            {
                topUsers = parsed;
            }
            else
            {
                errors.Add($"The number of users shown on their own must be from 1 to {ChartsSelection.MaxTopUsers}, not \"{Shorten(top)}\"; showing {topUsers}.");
            }
        }

        return new ChartsSelection(y, m, s, grouping, name, topUsers);
    }

    /// <summary>The value for the query string's <c>group</c>.</summary>
    public static string GroupValue(LoginGrouping grouping) => grouping == LoginGrouping.Address ? "address" : "user";

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";
}
