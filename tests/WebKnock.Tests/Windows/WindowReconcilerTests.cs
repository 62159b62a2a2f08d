using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using WebKnock.Configuration;
using WebKnock.Firewall.InMemory;
using WebKnock.Knocking;
using WebKnock.Windows;

namespace WebKnock.Tests.Windows;

/// <summary>
/// The gateway's windows against the firewall's allowed addresses (the in-memory firewall standing for the kernel
/// here; GatewayRestoreTests does it against nftables): what differs two rounds in a row is settled, fail closed.
/// </summary>
public sealed class WindowReconcilerTests
{
    private const string Webmail = ServiceNames.Webmail;
    private static readonly IPAddress A = IPAddress.Parse("198.51.100.20");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));
    private readonly InMemoryFirewall _firewall;
    private readonly AccessWindowManager _windows;
    private readonly WindowReconciler _reconciler;
    private readonly List<WindowClosed> _closed = [];

    public WindowReconcilerTests()
    {
        var options = Options.Create(new WebKnockOptions());
        _firewall = new InMemoryFirewall(_time);
        _windows = new AccessWindowManager(_firewall, _time, options, NullLogger<AccessWindowManager>.Instance);
        _windows.Closed += _closed.Add;
        _reconciler = new WindowReconciler(_firewall, _windows, options, _time, NullLogger<WindowReconciler>.Instance).Listen();
    }

    [Fact]
    public async Task A_window_the_kernel_opened_without_a_report_is_taken_in_on_the_second_round_with_the_kernel_s_time()
    {
        await _firewall.OpenAsync(Webmail, A, TimeSpan.FromMinutes(30), default); // the knock completed; its NFLOG report was lost

        var first = await _reconciler.ReconcileOnceAsync(default);
        Assert.Equal(0, first.Adopted);
        Assert.False(_windows.IsOpen(Webmail, A));

        _time.Advance(TimeSpan.FromSeconds(30));
        var second = await _reconciler.ReconcileOnceAsync(default);

        Assert.Equal(1, second.Adopted);
        var window = _windows.Get(Webmail, A)!;
        Assert.Equal(WindowReason.Reconciled, window.OpenedBy);
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromMinutes(29.5), window.ExpiresAt); // never longer than the kernel's
        Assert.True(_firewall.IsAllowed(Webmail, A));
    }

    [Fact]
    public async Task A_window_whose_element_was_deleted_by_hand_closes_in_the_gateway_on_the_second_round()
    {
        await _windows.OpenOrExtendAsync(Webmail, A, WindowReason.Knock, default);
        await _firewall.CloseAsync(Webmail, A, default); // nft delete element

        Assert.Equal(0, (await _reconciler.ReconcileOnceAsync(default)).Closed);
        Assert.True(_windows.IsOpen(Webmail, A));
        var second = await _reconciler.ReconcileOnceAsync(default);

        Assert.Equal(1, second.Closed);
        Assert.False(_windows.IsOpen(Webmail, A));
        Assert.Equal(WindowReason.Reconciled, Assert.Single(_closed).Reason);
    }

    [Fact]
    public async Task A_difference_seen_once_is_left_alone()
    {
        // In the kernel only for one round (the gateway writes the kernel and its memory one after the other).
        await _firewall.OpenAsync(Webmail, A, TimeSpan.FromMinutes(30), default);
        await _reconciler.ReconcileOnceAsync(default);
        await _windows.OpenOrExtendAsync(Webmail, A, WindowReason.Knock, default);
        var opened = _windows.Get(Webmail, A);

        // Then missing from the kernel for one round (an extension's delete-and-add, for example).
        await _firewall.CloseAsync(Webmail, A, default);
        var missingOnce = await _reconciler.ReconcileOnceAsync(default);
        await _firewall.OpenAsync(Webmail, A, TimeSpan.FromMinutes(30), default);
        var back = await _reconciler.ReconcileOnceAsync(default);

        Assert.Equal((0, 0, 0), (missingOnce.Adopted, missingOnce.Closed, missingOnce.Deleted));
        Assert.Equal((0, 0, 0), (back.Adopted, back.Closed, back.Deleted));
        Assert.Same(opened, _windows.Get(Webmail, A));
        Assert.Empty(_closed);
    }

    [Fact]
    public async Task An_element_left_in_the_kernel_after_the_gateway_closed_its_window_is_deleted_not_taken_in()
    {
        await _windows.OpenOrExtendAsync(Webmail, A, WindowReason.Knock, default);
        await _windows.CloseAsync(Webmail, A, WindowReason.LastSignOut, default);
        await _firewall.OpenAsync(Webmail, A, TimeSpan.FromMinutes(29), default); // as if the delete had failed

        await _reconciler.ReconcileOnceAsync(default);
        var second = await _reconciler.ReconcileOnceAsync(default);

        Assert.Equal((0, 1), (second.Adopted, second.Deleted));
        Assert.False(_firewall.IsAllowed(Webmail, A));
        Assert.Null(_windows.Get(Webmail, A));
    }

    [Fact]
    public async Task A_window_about_to_end_is_left_to_its_timer()
    {
        await _windows.OpenOrExtendAsync(Webmail, A, WindowReason.Knock, default);
        _time.Advance(TimeSpan.FromMinutes(30) - TimeSpan.FromSeconds(4));
        await _firewall.CloseAsync(Webmail, A, default);

        await _reconciler.ReconcileOnceAsync(default);
        var second = await _reconciler.ReconcileOnceAsync(default);

        Assert.Equal(0, second.Closed);
        Assert.Empty(_closed);
    }
}
