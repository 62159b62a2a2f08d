using System.Net;
using WebKnock.Windows;

namespace WebKnock.Events;

/// <summary>
/// The events of windows, logins and administrators, made one way everywhere they are recorded
/// (<c>recorder.Record(GatewayEvents.WindowClosed(closed, time.GetUtcNow()))</c>).
/// </summary>
public static class GatewayEvents
{
    /// <summary>A window opened; the detail is why (Knock, Manual, Restored...).</summary>
    public static GatewayEvent WindowOpened(AccessWindow window, DateTimeOffset time) =>
        new(time, GatewayEventType.WindowOpened, window.Service, window.Address, User: window.User, Detail: window.OpenedBy.ToString());

    /// <summary>A window's deadline moved; the detail is why (Reknock, Extend, Manual).</summary>
    public static GatewayEvent WindowExtended(AccessWindow window, WindowReason reason, DateTimeOffset time) =>
        new(time, GatewayEventType.WindowExtended, window.Service, window.Address, User: window.User, Detail: reason.ToString());

    /// <summary>A window closed; the detail is why (Deadline, LastSignOut, Administrator...).</summary>
    public static GatewayEvent WindowClosed(WindowClosed closed, DateTimeOffset time) =>
        new(time, GatewayEventType.WindowClosed, closed.Window.Service, closed.Window.Address, User: closed.Window.User, Detail: closed.Reason.ToString());

    /// <summary>
    /// A network window opened: the address is the network's first, the detail why and the network
    /// (<c>Manual 198.51.100.0/24</c>).
    /// </summary>
    public static GatewayEvent NetworkWindowOpened(NetworkWindow window, DateTimeOffset time) =>
        new(time, GatewayEventType.WindowOpened, window.Service, window.Network.BaseAddress, User: window.User, Detail: $"{window.OpenedBy} {window.Network}");

    /// <summary>A network window's deadline moved; the detail is why and the network.</summary>
    public static GatewayEvent NetworkWindowExtended(NetworkWindow window, WindowReason reason, DateTimeOffset time) =>
        new(time, GatewayEventType.WindowExtended, window.Service, window.Network.BaseAddress, User: window.User, Detail: $"{reason} {window.Network}");

    /// <summary>A network window closed; the detail is why and the network (<c>Deadline 198.51.100.0/24</c>).</summary>
    public static GatewayEvent NetworkWindowClosed(NetworkWindowClosed closed, DateTimeOffset time) =>
        new(time, GatewayEventType.WindowClosed, closed.Window.Service, closed.Window.Network.BaseAddress, User: closed.Window.User, Detail: $"{closed.Reason} {closed.Window.Network}");

    public static GatewayEvent Login(bool succeeded, string service, IPAddress address, string? user, DateTimeOffset time, string? detail = null) =>
        new(time, succeeded ? GatewayEventType.LoginSucceeded : GatewayEventType.LoginFailed, service, address, User: user, Detail: detail);

    public static GatewayEvent SignedOut(string service, IPAddress address, string? user, DateTimeOffset time) =>
        new(time, GatewayEventType.SignedOut, service, address, User: user);

    /// <summary>An address blocked (or unblocked) for a while; the detail says why or for how long.</summary>
    public static GatewayEvent Blocked(bool blocked, IPAddress address, DateTimeOffset time, string? service = null, string? detail = null) =>
        new(time, blocked ? GatewayEventType.Blocked : GatewayEventType.Unblocked, service, address, Detail: detail);

    /// <summary>What an administrator did (<paramref name="action"/>: "close", "extend 30 min"...), to which address.</summary>
    public static GatewayEvent AdminAction(string administrator, string action, DateTimeOffset time, IPAddress? target = null, string? service = null) =>
        new(time, GatewayEventType.AdminAction, service, target, User: administrator, Detail: action);
}
