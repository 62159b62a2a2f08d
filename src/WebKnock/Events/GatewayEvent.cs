using System.Net;

namespace WebKnock.Events;

/// <summary>
/// One thing the gateway saw or did, as it is kept in the event store. Only <see cref="Time"/> and
/// <see cref="Type"/> are always there; the rest is filled where it means something.
/// </summary>
/// <param name="Time">When it happened.</param>
/// <param name="Type">What happened.</param>
/// <param name="Service">The service concerned (<c>webmail</c>, <c>ssh</c>), if any.</param>
/// <param name="Address">The client address, if any; stored in canonical text (IPv4-mapped as IPv4).</param>
/// <param name="Port">The destination port (a knock port, a protected port), if any.</param>
/// <param name="User">The user name, for logins and sign-outs.</param>
/// <param name="Detail">Why, or more about what: "wrong order", "deadline", "publickey"...</param>
public sealed record GatewayEvent(
    DateTimeOffset Time,
    GatewayEventType Type,
    string? Service = null,
    IPAddress? Address = null,
    int? Port = null,
    string? User = null,
    string? Detail = null)
{
    /// <summary>
    /// The country code of <see cref="Address"/> or a label such as "private address"; filled by the
    /// writer from the country lookup when the event is stored, unless already set.
    /// </summary>
    public string? Country { get; init; }

    /// <summary>
    /// How many occurrences this one stands for (1 unless aggregated). Noise (knock steps and failures, floods, scans,
    /// dropped attempts) from one source in one minute is kept as one row whose count grows: see <see cref="EventStore"/>.
    /// </summary>
    public int Count { get; init; } = 1;

    /// <summary>Whether events of the type are noise that an unchecked source address can make at packet rate.</summary>
    public static bool IsNoise(GatewayEventType type) =>
        type is GatewayEventType.KnockStep or GatewayEventType.KnockFailed or GatewayEventType.KnockFlood
            or GatewayEventType.ScanBlocked or GatewayEventType.DroppedAttempt;
}
