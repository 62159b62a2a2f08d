using System.Net;

namespace WebKnock.Knocking.Totp;

/// <summary>What one SYN to a TOTP range did.</summary>
public enum TotpOutcome
{
    /// <summary>Nothing (a step, a repeat, a SYN that matches no sequence).</summary>
    None,

    /// <summary>A user's sequence of an accepted step completed for the first time: open.</summary>
    Opened,

    /// <summary>A (user, step) sequence that already opened, completed again from another address: open nothing.</summary>
    Replay,

    /// <summary>The SYNs completed the sequences of two users at once: open nothing (see README).</summary>
    Ambiguous,

    /// <summary>The source sent SYNs to the range faster than the rate limit; ignored for a while.</summary>
    Flood,
}

/// <summary>The result of a SYN that completed a sequence (or tried to).</summary>
/// <param name="Outcome">What it did.</param>
/// <param name="Service">The service of the range.</param>
/// <param name="Source">The address the SYNs came from.</param>
/// <param name="User">The user whose sequence completed (null for <see cref="TotpOutcome.Ambiguous"/> and <see cref="TotpOutcome.Flood"/>).</param>
/// <param name="Counter">The RFC 6238 step counter of the sequence.</param>
/// <param name="FirstSource">For a replay: the address the sequence opened for first.</param>
/// <param name="Time">When the last SYN was seen.</param>
public sealed record TotpMatch(TotpOutcome Outcome, string Service, IPAddress Source, string? User, long Counter, IPAddress? FirstSource, DateTimeOffset Time);
