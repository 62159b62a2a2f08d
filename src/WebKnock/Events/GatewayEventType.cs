namespace WebKnock.Events;

/// <summary>
/// What happened. The numbers are stored in the event store: never renumber a member, only add.
/// </summary>
public enum GatewayEventType
{
    /// <summary>A knock packet advanced a source one step through a sequence.</summary>
    KnockStep = 1,

    /// <summary>A source completed a knock sequence.</summary>
    KnockCompleted = 2,

    /// <summary>A knock sequence failed: a port out of order, or a step after its timeout.</summary>
    KnockFailed = 3,

    /// <summary>A source sent knock packets faster than the rate limit.</summary>
    KnockFlood = 4,

    /// <summary>A source scanned closed ports and was blocked for a while.</summary>
    ScanBlocked = 5,

    WindowOpened = 6,
    WindowExtended = 7,
    WindowClosed = 8,
    LoginSucceeded = 9,
    LoginFailed = 10,
    SignedOut = 11,

    /// <summary>A connection attempt to a protected port without an open window.</summary>
    DroppedAttempt = 12,

    Blocked = 13,
    Unblocked = 14,

    /// <summary>An administrator acted (extend, close, open, block...): the detail says what.</summary>
    AdminAction = 15,

    /// <summary>A single-packet authorization opened a window: the user, the address, the requested port.</summary>
    SpaAccepted = 40,

    /// <summary>A single-packet authorization was refused: the detail says why (bad_hmac, replay, stale...).</summary>
    SpaRefused = 41,

    /// <summary>
    /// A credential knock that had opened already came again from another address (a TOTP sequence of a step that was
    /// used): nothing opened. The user is the credential's owner; the detail says which knock and the first address.
    /// </summary>
    KnockReplay = 30,
}
