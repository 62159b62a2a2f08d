using System.Net;

namespace WebKnock.Events;

/// <summary>Which events to list, newest first, and which page of them. Every filter is optional.</summary>
public sealed record EventQuery
{
    public const int MaxPageSize = 1000;

    /// <summary>Only these types (any of them); empty or null for all.</summary>
    public IReadOnlyCollection<GatewayEventType>? Types { get; init; }

    public string? Service { get; init; }

    /// <summary>Only this address (IPv4-mapped addresses match their IPv4 form).</summary>
    public IPAddress? Address { get; init; }

    /// <summary>Only this user name (exact).</summary>
    public string? User { get; init; }

    /// <summary>From this instant, included.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Before this instant, excluded.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>1-based.</summary>
    public int Page { get; init; } = 1;

    /// <summary>Between 1 and <see cref="MaxPageSize"/>.</summary>
    public int PageSize { get; init; } = 50;
}

/// <summary>One page of events, newest first, and how many match in all.</summary>
public sealed record EventPage(IReadOnlyList<StoredEvent> Items, long Total, int Page, int PageSize)
{
    public int Pages => (int)((Total + PageSize - 1) / PageSize);
}
