namespace WebKnock.Knocking.Spa;

/// <summary>What became of one SPA packet; every value but <see cref="Accepted"/> is a refusal reason (a metric label).</summary>
public enum SpaOutcome
{
    /// <summary>The packet opened (or extended) a window.</summary>
    Accepted,

    /// <summary>Not an SPA packet at all: wrong length, not base64 text.</summary>
    Malformed,

    /// <summary>No configured user's HMAC key authenticates the packet (a wrong key, a changed bit, a stranger).</summary>
    BadHmac,

    /// <summary>Authenticated, but the ciphertext does not decrypt (wrong encryption key, bad padding).</summary>
    BadCiphertext,

    /// <summary>Decrypted, but the fields are not fwknop's (or the inner digest does not match).</summary>
    BadMessage,

    /// <summary>A command message or a NAT access request: WebKnock only opens ports.</summary>
    Unsupported,

    /// <summary>The user field names another user than the one whose keys authenticate the packet.</summary>
    WrongUser,

    /// <summary>The user whose keys authenticate the packet is disabled.</summary>
    UserDisabled,

    /// <summary>The timestamp is older than the maximum age, or as far in the future.</summary>
    Stale,

    /// <summary>The packet's digest was accepted before.</summary>
    Replay,

    /// <summary>The requested address is not the packet's source, and the user may not ask for another.</summary>
    OtherAddress,

    /// <summary>The requested protocol and port are not a configured service's protected port.</summary>
    ForbiddenPort,

    /// <summary>The packet was good but the window could not be opened (the firewall failed).</summary>
    Failed,
}
