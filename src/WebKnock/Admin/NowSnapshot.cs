using System.Net;
using WebKnock.Events.Geo;
using WebKnock.Firewall;
using WebKnock.Knocking;
using WebKnock.Webmail;
using WebKnock.Windows;

namespace WebKnock.Admin;

/// <summary>One open window as the Now page shows it.</summary>
/// <param name="Users">The live webmail sessions from the address, by user name (null: a session adopted after a restart, name unknown).</param>
public sealed record WindowRow(
    string Service,
    IPAddress Address,
    string? Country,
    DateTimeOffset OpenedAt,
    DateTimeOffset ExpiresAt,
    WindowReason OpenedBy,
    WindowReason? LastExtension,
    IReadOnlyList<string?> Users);

/// <summary>One blocked address; <paramref name="Until"/> null when the block has no end.</summary>
public sealed record BlockedRow(IPAddress Address, string? Country, DateTimeOffset? Until);

/// <summary>What the Now page shows, taken at <paramref name="Now"/>.</summary>
public sealed record NowSnapshot(DateTimeOffset Now, IReadOnlyList<WindowRow> Windows, IReadOnlyList<BlockedRow> Blocked);

/// <summary>Takes the Now page's snapshot from the windows, the sessions, the firewall and the country lookup.</summary>
internal sealed class NowView(
    AccessWindowManager windows,
    SessionTracker sessions,
    IFirewall firewall,
    ICountryLookup countries,
    WindowExtensions extensions,
    TimeProvider time)
{
    public async Task<NowSnapshot> TakeAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var open = windows.List()
            .Where(w => w.ExpiresAt > now)
            .OrderBy(w => w.ExpiresAt)
            .Select(w => new WindowRow(
                w.Service,
                w.Address,
                countries.Lookup(w.Address),
                w.OpenedAt,
                w.ExpiresAt,
                w.OpenedBy,
                extensions.LastExtension(w.Service, w.Address),
                w.Service == ServiceNames.Webmail ? [.. sessions.ForAddress(w.Address).OrderBy(s => s.Since).ThenBy(s => s.UserName, StringComparer.Ordinal).Select(s => s.UserName)] : []))
            .ToList();

        var blocked = (await firewall.ListBlockedAsync(cancellationToken))
            .OrderBy(b => b.Remaining ?? TimeSpan.MaxValue)
            .Select(b => new BlockedRow(b.Address, countries.Lookup(b.Address), b.Remaining is { } left ? now + left : null))
            .ToList();
        return new NowSnapshot(now, open, blocked);
    }
}
