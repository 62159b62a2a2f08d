using System.Globalization;
using System.Net;
using WebKnock.Events;
using WebKnock.Knocking;

namespace WebKnock.Admin.Events;

/// <summary>
/// The events page's query string (type, service, address, user, from, to, page) read into an
/// <see cref="EventQuery"/>. Every bad value is a message for the page, never an exception; with any
/// message there is no query, so that a filter the page could not read never lists everything.
/// </summary>
internal sealed record EventFilter(EventQuery? Query, IReadOnlyList<string> Errors)
{
    public const int PageSize = 50;

    /// <summary>The services the page offers, in this order.</summary>
    public static readonly IReadOnlyList<string> Services = [ServiceNames.Webmail, ServiceNames.Ssh];

    public static EventFilter Parse(string? type, string? service, string? address, string? user, string? from, string? to, string? page)
    {
        var errors = new List<string>();
        var query = new EventQuery { PageSize = PageSize };

        if (Blank(type) is { } typeText)
        {
            if (Enum.TryParse<GatewayEventType>(typeText, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !char.IsAsciiDigit(typeText[0]))
            {
                query = query with { Types = [parsed] };
            }
            else
            {
                errors.Add($"There is no event type \"{Shorten(typeText)}\".");
            }
        }

        if (Blank(service) is { } serviceText)
        {
            var known = Services.FirstOrDefault(s => string.Equals(s, serviceText, StringComparison.OrdinalIgnoreCase));
            if (known is null)
            {
                errors.Add($"There is no service \"{Shorten(serviceText)}\" (only {string.Join(" and ", Services)}).");
            }
            else
            {
                query = query with { Service = known };
            }
        }

        if (Blank(address) is { } addressText)
        {
            if (addressText.Contains('/', StringComparison.Ordinal))
            {
                errors.Add($"Give one address, not a network (\"{Shorten(addressText)}\").");
            }
            else if (ParseAddress(addressText) is { } parsed)
            {
                query = query with { Address = parsed };
            }
            else
            {
                errors.Add($"\"{Shorten(addressText)}\" is not an IPv4 or IPv6 address.");
            }
        }

        if (UserFilterText.Parse(user, out var userError) is { } userName)
        {
            query = query with { User = userName };
        }
        else if (userError is not null)
        {
            errors.Add(userError + ".");
        }

        var first = Day(from, "From", errors);
        var last = Day(to, "To", errors);
        if (first is { } f && last is { } l && f > l)
        {
            errors.Add($"\"From\" ({f:yyyy-MM-dd}) is after \"To\" ({l:yyyy-MM-dd}).");
        }

        // Whole UTC days, both included: "to" ends at the next midnight.
        query = query with
        {
            From = first is { } a ? new DateTimeOffset(a, TimeOnly.MinValue, TimeSpan.Zero) : null,
            To = last is { } b && b < DateOnly.MaxValue ? new DateTimeOffset(b.AddDays(1), TimeOnly.MinValue, TimeSpan.Zero) : null,
        };

        if (Blank(page) is { } pageText)
        {
            if (int.TryParse(pageText, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= 1)
            {
                query = query with { Page = number };
            }
            else
            {
                errors.Add($"The page must be a whole number from 1, not \"{Shorten(pageText)}\".");
            }
        }

        return new EventFilter(errors.Count == 0 ? query : null, errors);
    }

    /// <summary>"Dropped attempt" for <see cref="GatewayEventType.DroppedAttempt"/>.</summary>
    public static string TypeName(GatewayEventType type)
    {
        var name = type.ToString();
        var words = new System.Text.StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (i > 0 && char.IsAsciiLetterUpper(c))
            {
                words.Append(' ').Append(char.ToLowerInvariant(c));
            }
            else
            {
                words.Append(c);
            }
        }

        return words.ToString();
    }

    /// <summary>
    /// IPv6 in any form; IPv4 only as four decimal numbers, since <see cref="IPAddress.TryParse(string, out IPAddress)"/>
    /// also reads "203.0.113" as 203.0.0.113 and "010.0.0.1" as 8.0.0.1, which is not what anyone filtering means.
    /// </summary>
    private static IPAddress? ParseAddress(string text)
    {
        if (!IPAddress.TryParse(text, out var address))
        {
            return null;
        }

        return address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 || address.ToString() == text ? address : null;
    }

    private static DateOnly? Day(string? text, string name, List<string> errors)
    {
        if (Blank(text) is not { } value)
        {
            return null;
        }

        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) && day.Year >= 1970)
        {
            return day;
        }

        errors.Add($"\"{name}\" must be a date as 2026-11-30 (UTC), not \"{Shorten(value)}\".");
        return null;
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";
}
