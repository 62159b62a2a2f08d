using System.Globalization;

namespace WebKnock.Knocking.Nflog;

/// <summary>
/// The NFLOG prefixes WebKnock's kernel rules log with, and their meaning. The prefix is the only thing
/// that tells the reader which rule logged a packet: <c>wk:&lt;what&gt;[:&lt;service&gt;[:&lt;step&gt;]]</c>.
/// </summary>
internal static class NflogPrefix
{
    private const string Root = "wk";

    /// <summary>The scan detector's prefix; a scan belongs to no service.</summary>
    public const string Scan = "wk:scan";

    /// <summary>A UDP packet to the SPA port, logged with its payload for the SPA handler (not a knock event).</summary>
    public const string Spa = "wk:spa";

    public static string Step(string service, int step) => string.Create(CultureInfo.InvariantCulture, $"{Root}:step:{service}:{step}");

    public static string Open(string service) => $"{Root}:open:{service}";

    public static string Wrong(string service) => $"{Root}:wrong:{service}";

    public static string Flood(string service) => $"{Root}:flood:{service}";

    public static string Drop(string service) => $"{Root}:drop:{service}";

    /// <summary>A SYN to the service's TOTP range (the gateway matches the sequences).</summary>
    public static string Totp(string service) => $"{Root}:totp:{service}";

    /// <summary>Whether the prefix is <see cref="Totp"/>'s, and of which service.</summary>
    public static bool IsTotp(string? prefix, out string service)
    {
        const string start = Root + ":totp:";
        service = prefix is not null && prefix.StartsWith(start, StringComparison.Ordinal) ? prefix[start.Length..] : "";
        return service.Length > 0 && !service.Contains(':', StringComparison.Ordinal);
    }

    /// <summary>Reads a prefix back. <paramref name="step"/> is 0 unless the prefix names a step.</summary>
    public static bool TryParse(string? prefix, out KnockEventKind kind, out string service, out int step)
    {
        kind = default;
        service = "";
        step = 0;
        if (prefix is null)
        {
            return false;
        }

        var parts = prefix.Split(':');
        if (parts.Length < 2 || parts[0] != Root || parts.Length > 4)
        {
            return false;
        }

        if (parts[1] == "scan")
        {
            kind = KnockEventKind.ScanBlocked;
            return parts.Length == 2;
        }

        if (parts.Length < 3 || parts[2].Length == 0)
        {
            return false;
        }

        service = parts[2];
        switch (parts[1])
        {
            case "step":
                kind = KnockEventKind.StepHit;
                return parts.Length == 4
                    && int.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out step)
                    && step > 0;
            case "open":
                kind = KnockEventKind.SequenceCompleted;
                break;
            case "wrong":
                kind = KnockEventKind.WrongOrder;
                break;
            case "flood":
                kind = KnockEventKind.Flood;
                break;
            case "drop":
                kind = KnockEventKind.DroppedAttempt;
                break;
            default:
                return false;
        }

        return parts.Length == 3;
    }
}
