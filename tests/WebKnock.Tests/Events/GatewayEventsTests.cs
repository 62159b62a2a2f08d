using System.Net;
using WebKnock.Events;
using WebKnock.Windows;

namespace WebKnock.Tests.Events;

public sealed class GatewayEventsTests
{
    private static readonly DateTimeOffset T = new(2026, 3, 3, 9, 0, 0, TimeSpan.Zero);
    private static readonly IPAddress Address = IPAddress.Parse("198.51.100.7");
    private static readonly AccessWindow Window = new("webmail", Address, T, T.AddMinutes(30), WindowReason.Knock);

    [Fact]
    public void Window_events_carry_the_service_address_and_reason()
    {
        Assert.Equal(new GatewayEvent(T, GatewayEventType.WindowOpened, "webmail", Address, Detail: "Knock"), GatewayEvents.WindowOpened(Window, T));
        Assert.Equal(new GatewayEvent(T, GatewayEventType.WindowExtended, "webmail", Address, Detail: "Extend"), GatewayEvents.WindowExtended(Window, WindowReason.Extend, T));
        Assert.Equal(new GatewayEvent(T, GatewayEventType.WindowClosed, "webmail", Address, Detail: "LastSignOut"), GatewayEvents.WindowClosed(new WindowClosed(Window, WindowReason.LastSignOut), T));
    }

    [Fact]
    public void Login_sign_out_block_and_admin_events()
    {
        Assert.Equal(GatewayEventType.LoginSucceeded, GatewayEvents.Login(true, "webmail", Address, "alice", T).Type);
        Assert.Equal(new GatewayEvent(T, GatewayEventType.LoginFailed, "webmail", Address, User: "alice"), GatewayEvents.Login(false, "webmail", Address, "alice", T));
        Assert.Equal(new GatewayEvent(T, GatewayEventType.SignedOut, "webmail", Address, User: "alice"), GatewayEvents.SignedOut("webmail", Address, "alice", T));
        Assert.Equal(GatewayEventType.Unblocked, GatewayEvents.Blocked(false, Address, T).Type);
        Assert.Equal(new GatewayEvent(T, GatewayEventType.AdminAction, "ssh", Address, User: "root", Detail: "close"), GatewayEvents.AdminAction("root", "close", T, Address, "ssh"));
    }
}
