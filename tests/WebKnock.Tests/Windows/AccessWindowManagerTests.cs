using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using WebKnock.Configuration;
using WebKnock.Firewall.InMemory;
using WebKnock.Knocking;
using WebKnock.Windows;

namespace WebKnock.Tests.Windows;

public sealed class AccessWindowManagerTests
{
    private static readonly IPAddress A = IPAddress.Parse("192.0.2.10");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));
    private readonly InMemoryFirewall _firewall;
    private readonly AccessWindowManager _windows;
    private readonly List<WindowClosed> _closed = [];

    public AccessWindowManagerTests()
    {
        var options = new WebKnockOptions();
        options.Webmail.Window = TimeSpan.FromMinutes(30);
        options.Webmail.MaxWindow = TimeSpan.FromMinutes(50);
        _firewall = new InMemoryFirewall(_time);
        _windows = new AccessWindowManager(_firewall, _time, Options.Create(options), NullLogger<AccessWindowManager>.Instance);
        _windows.Closed += _closed.Add;
    }

    [Fact]
    public async Task A_window_closes_at_its_deadline()
    {
        await _windows.OpenOrExtendAsync(ServiceNames.Webmail, A, WindowReason.Knock, default);
        _time.Advance(TimeSpan.FromMinutes(29) + TimeSpan.FromSeconds(59));
        Assert.True(_windows.IsOpen(ServiceNames.Webmail, A));
        Assert.True(_firewall.IsAllowed(ServiceNames.Webmail, A));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(_windows.IsOpen(ServiceNames.Webmail, A));
        Assert.False(_firewall.IsAllowed(ServiceNames.Webmail, A));
        Assert.Equal(WindowReason.Deadline, Assert.Single(_closed).Reason);
    }

    [Fact]
    public async Task A_reknock_moves_the_deadline_but_never_past_the_maximum()
    {
        var opened = await _windows.OpenOrExtendAsync(ServiceNames.Webmail, A, WindowReason.Knock, default);
        _time.Advance(TimeSpan.FromMinutes(10));
        var moved = await _windows.OpenOrExtendAsync(ServiceNames.Webmail, A, WindowReason.Knock, default);
        Assert.Equal(opened.ExpiresAt + TimeSpan.FromMinutes(10), moved.ExpiresAt);

        _time.Advance(TimeSpan.FromMinutes(25));
        var capped = await _windows.ExtendAsync(ServiceNames.Webmail, A, default);
        Assert.Equal(opened.OpenedAt + TimeSpan.FromMinutes(50), capped!.ExpiresAt);

        _time.Advance(TimeSpan.FromMinutes(15));
        Assert.False(_windows.IsOpen(ServiceNames.Webmail, A));
        Assert.Single(_closed);
    }

    [Fact]
    public async Task Extending_without_a_window_opens_nothing()
    {
        Assert.Null(await _windows.ExtendAsync(ServiceNames.Webmail, A, default));
        Assert.False(_firewall.IsAllowed(ServiceNames.Webmail, A));
    }

    [Fact]
    public async Task Closing_removes_the_firewall_element_and_tells_why()
    {
        await _windows.OpenOrExtendAsync(ServiceNames.Webmail, A, WindowReason.Knock, default);
        Assert.True(await _windows.CloseAsync(ServiceNames.Webmail, A, WindowReason.LastSignOut, default));
        Assert.False(_firewall.IsAllowed(ServiceNames.Webmail, A));
        Assert.Equal(WindowReason.LastSignOut, Assert.Single(_closed).Reason);

        // The old deadline's timer does not fire a second close.
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Single(_closed);
    }

    [Fact]
    public async Task A_restored_window_keeps_its_remaining_time()
    {
        await _firewall.OpenAsync(ServiceNames.Webmail, A, TimeSpan.FromMinutes(7), default);
        var startup = new WindowStartup(_firewall, _windows, Options.Create(new WebKnockOptions()), NullLogger<WindowStartup>.Instance);
        await startup.StartAsync(default);

        var window = _windows.Get(ServiceNames.Webmail, A)!;
        Assert.Equal(WindowReason.Restored, window.OpenedBy);
        Assert.Equal(TimeSpan.FromMinutes(7), window.Remaining(_time.GetUtcNow()));
        _time.Advance(TimeSpan.FromMinutes(7));
        Assert.False(_windows.IsOpen(ServiceNames.Webmail, A));
    }
}
