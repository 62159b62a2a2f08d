using System.Net;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using WebKnock.Firewall.Nftables;
using WebKnock.Knocking;

namespace WebKnock.Tests.Firewall.Nftables;

/// <summary>The blocks the watchdog puts back after a flush: what NFLOG reported and what the gateway asked for, with the time left.</summary>
public sealed class BlockLedgerTests
{
    private static readonly IPAddress V4 = IPAddress.Parse("198.51.100.9");
    private static readonly IPAddress V6 = IPAddress.Parse("2001:db8::9");

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));
    private readonly NftablesOptions _options = new() { ScanBlockTime = TimeSpan.FromHours(1), FloodBanTime = TimeSpan.FromMinutes(5) };

    private BlockLedger NewLedger() => new(_time, Options.Create(_options));

    private static KnockEvent Event(KnockEventKind kind, IPAddress source) => new(kind, "webmail", source, 7000, 0, DateTimeOffset.UnixEpoch);

    [Fact]
    public void A_scan_block_and_a_knock_flood_ban_are_kept_in_their_sets_with_the_configured_times()
    {
        var ledger = NewLedger();
        IKnockEventHandler handler = ledger;
        handler.Handle(Event(KnockEventKind.ScanBlocked, V4));
        handler.Handle(Event(KnockEventKind.Flood, V6));
        handler.Handle(Event(KnockEventKind.WrongOrder, IPAddress.Parse("198.51.100.10")));
        _time.Advance(TimeSpan.FromMinutes(1));

        var current = ledger.Current().OrderBy(e => e.Set).ToList();

        Assert.Equal(
            [new NftSetElement("blocked4", V4, TimeSpan.FromMinutes(59)), new NftSetElement("knockban6", V6, TimeSpan.FromMinutes(4))],
            current);
    }

    [Fact]
    public void The_later_end_wins_an_unblock_removes_and_an_ended_block_is_gone()
    {
        var ledger = NewLedger();
        ledger.Add("blocked", V4, TimeSpan.FromMinutes(30));
        ledger.Add("blocked", V4, TimeSpan.FromMinutes(10)); // shorter: the 30 minutes stay
        ledger.Add("blocked", V6, TimeSpan.FromMinutes(10));
        ledger.Add("blocked", IPAddress.Parse("::ffff:198.51.100.11"), TimeSpan.FromMinutes(2)); // the IPv4 address it maps

        Assert.Equal(TimeSpan.FromMinutes(30), Assert.Single(ledger.Current(), e => e.Address.Equals(V4)).Remaining);
        Assert.Equal("blocked4", Assert.Single(ledger.Current(), e => e.Address.Equals(IPAddress.Parse("198.51.100.11"))).Set);

        ledger.Remove("blocked", V6);
        _time.Advance(TimeSpan.FromMinutes(2));

        var left = Assert.Single(ledger.Current());
        Assert.Equal(V4, left.Address);
        Assert.Equal(1, ledger.Count);
    }
}
