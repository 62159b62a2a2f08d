using System.Net;

namespace WebKnock.Knocking;

/// <summary>What happened to one source at the knock ports.</summary>
public enum KnockEventKind
{
    /// <summary>A pure SYN advanced the source to <see cref="KnockEvent.Step"/> (1-based).</summary>
    StepHit,

    /// <summary>The last step arrived in order: the service is open for the source.</summary>
    SequenceCompleted,

    /// <summary>A knock port out of order: the source starts again.</summary>
    WrongOrder,

    /// <summary>The pause before this step was longer than the step timeout.</summary>
    StepTimedOut,

    /// <summary>The source sent knock SYNs faster than the rate limit; they are ignored.</summary>
    Flood,

    /// <summary>The source hit too many closed ports and is blocked for a while.</summary>
    ScanBlocked,

    /// <summary>A connection attempt to a protected port without an open window.</summary>
    DroppedAttempt,
}

/// <summary>One event from the knock detector, in-memory or kernel (NFLOG).</summary>
/// <param name="Kind">What happened.</param>
/// <param name="Service">The service whose knock this is (<c>webmail</c>, <c>ssh</c>).</param>
/// <param name="Source">The knocking address.</param>
/// <param name="Port">The destination port of the packet.</param>
/// <param name="Step">The step reached (1-based), 0 when not a step.</param>
/// <param name="Time">When the packet was seen.</param>
public sealed record KnockEvent(KnockEventKind Kind, string Service, IPAddress Source, int Port, int Step, DateTimeOffset Time);

/// <summary>Receives knock events, from whichever detector produced them.</summary>
public interface IKnockEventSink
{
    void Publish(KnockEvent knockEvent);
}
