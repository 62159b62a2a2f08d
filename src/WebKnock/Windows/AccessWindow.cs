using System.Net;

namespace WebKnock.Windows;

/// <summary>Why a window opened, moved or closed; every change has one.</summary>
public enum WindowReason
{
    Knock,
    Reknock,
    Extend,
    Manual,
    Restored,
    Deadline,
    LastSignOut,
    LastSessionIdle,
    Administrator,
    Blocked,

    /// <summary>The firewall and the gateway disagreed and the reconciler settled it (a lost knock report, a deleted element).</summary>
    Reconciled,

    /// <summary>A knock user's TOTP-derived sequence (a credential).</summary>
    TotpKnock,

    /// <summary>A knock user's single-packet authorization (fwknop's SPA, a credential).</summary>
    SpaKnock,

    /// <summary>The knock user who opened the window was disabled or removed.</summary>
    UserDisabled,
}

/// <summary>
/// A snapshot of one open window: a service opened for one address until a deadline. <paramref name="User"/> is the
/// knock user whose credential (TOTP or SPA) opened it; null for the plain shared sequence, an administrator, a restore.
/// </summary>
public sealed record AccessWindow(
    string Service,
    IPAddress Address,
    DateTimeOffset OpenedAt,
    DateTimeOffset ExpiresAt,
    WindowReason OpenedBy,
    string? User = null)
{
    public TimeSpan Remaining(DateTimeOffset now) => ExpiresAt > now ? ExpiresAt - now : TimeSpan.Zero;
}

/// <summary>Raised after a window closed, so connections can be cut and sessions forgotten.</summary>
public sealed record WindowClosed(AccessWindow Window, WindowReason Reason);
