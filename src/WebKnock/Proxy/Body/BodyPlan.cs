namespace WebKnock.Proxy.Body;

/// <summary>
/// What to do with one response body, decided once when the response starts.
/// </summary>
/// <param name="Injection">
/// ASCII bytes to insert just before the document's <c>&lt;/body&gt;</c>; null for none. Pages may be
/// in any single-byte charset, so the bytes are inserted as they are and nothing is re-encoded.
/// </param>
/// <param name="WatchMarker">
/// Bytes to look for in the (decoded) body, such as <c>&lt;!-- logout_error --&gt;</c>; only reported
/// back in <see cref="BodyOutcome.MarkerSeen"/>, never changes a byte.
/// </param>
internal sealed record BodyPlan(byte[]? Injection, byte[]? WatchMarker)
{
    /// <summary>Leave the body and the headers exactly as they are.</summary>
    public static BodyPlan PassThrough { get; } = new(null, null);

    /// <summary>True when there is something to insert.</summary>
    public bool HasInjection => Injection is { Length: > 0 };

    /// <summary>True when there is a marker to watch for.</summary>
    public bool HasMarker => WatchMarker is { Length: > 0 };

    /// <summary>True when the body needs neither an injection nor a watch.</summary>
    public bool IsPassThrough => !HasInjection && !HasMarker;
}
