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
}

/// <summary>A snapshot of one open window: a service opened for one address until a deadline.</summary>
public sealed record AccessWindow(
    string Service,
    IPAddress Address,
    DateTimeOffset OpenedAt,
    DateTimeOffset ExpiresAt,
    WindowReason OpenedBy)
{
    public TimeSpan Remaining(DateTimeOffset now) => ExpiresAt > now ? ExpiresAt - now : TimeSpan.Zero;
}

/// <summary>Raised after a window closed, so connections can be cut and sessions forgotten.</summary>
public sealed record WindowClosed(AccessWindow Window, WindowReason Reason);
