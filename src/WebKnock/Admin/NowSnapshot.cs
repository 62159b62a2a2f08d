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
    IReadOnlyList<string?> Users)
{
    /// <summary>Set for a network window (an administrator opened a whole network); <see cref="Address"/> is then its first address.</summary>
    public IPNetwork? Network { get; init; }

    /// <summary>The knock user whose credential (TOTP, SPA) opened the window; null for the plain knock or an administrator.</summary>
    public string? KnockUser { get; init; }

    /// <summary>What the row is about, as shown and as the row buttons send it: the address, or the network.</summary>
    public string Target => Network?.ToString() ?? Address.ToString();
}

/// <summary>One blocked address; <paramref name="Until"/> null when the block has no end.</summary>
public sealed record BlockedRow(IPAddress Address, string? Country, DateTimeOffset? Until);

/// <summary>What the Now page shows, taken at <paramref name="Now"/>.</summary>
public sealed record NowSnapshot(DateTimeOffset Now, IReadOnlyList<WindowRow> Windows, IReadOnlyList<BlockedRow> Blocked)
{
    /// <summary>The latest credential replays (a used TOTP step's sequence from another address), newest first.</summary>
    public IReadOnlyList<WebKnock.Knocking.Totp.TotpMatch> Replays { get; init; } = [];

    /// <summary>What a credentialed knock opens, per service (Address, or Prefix /24 /64), for the services that take TOTP knocks.</summary>
    public IReadOnlyList<string> CredentialPolicies { get; init; } = [];
}

/// <summary>Takes the Now page's snapshot from the windows, the sessions, the firewall and the country lookup.</summary>
internal sealed class NowView(
    AccessWindowManager windows,
    SessionTracker sessions,
    IFirewall firewall,
    ICountryLookup countries,
    WindowExtensions extensions,
    TimeProvider time,
    WebKnock.Knocking.Totp.TotpKnocks? totp = null,
    Microsoft.Extensions.Options.IOptions<WebKnock.Configuration.WebKnockOptions>? options = null)
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
                extensions.LastExtension(w.Service, w.Address.ToString()),
                w.Service == ServiceNames.Webmail ? Users(sessions.ForAddress(w.Address)) : [])
            {
                KnockUser = w.User,
            })
            .ToList();

        // Network windows, with the live sessions of every address inside.
        var allSessions = sessions.All();
        open.AddRange(windows.ListNetworks()
            .Where(n => n.ExpiresAt > now)
            .Select(n => new WindowRow(
                n.Service,
                n.Network.BaseAddress,
                countries.Lookup(n.Network.BaseAddress),
                n.OpenedAt,
                n.ExpiresAt,
                n.OpenedBy,
                extensions.LastExtension(n.Service, n.Network.ToString()),
                n.Service == ServiceNames.Webmail ? Users(allSessions.Where(s => n.Network.Contains(s.Address))) : [])
            {
                Network = n.Network,
                KnockUser = n.User,
            }));
        open.Sort((a, b) => a.ExpiresAt.CompareTo(b.ExpiresAt));

        var blocked = (await firewall.ListBlockedAsync(cancellationToken))
            .OrderBy(b => b.Remaining ?? TimeSpan.MaxValue)
            .Select(b => new BlockedRow(b.Address, countries.Lookup(b.Address), b.Remaining is { } left ? now + left : null))
            .ToList();
        return new NowSnapshot(now, open, blocked) { Replays = totp?.Replays ?? [], CredentialPolicies = Policies() };
    }

    private IReadOnlyList<string> Policies()
    {
        if (totp is null || options is null)
        {
            return [];
        }

        return [.. totp.Matchers.Keys.Select(service =>
        {
            var knock = service == ServiceNames.Ssh ? options.Value.Ssh!.Knock : options.Value.Webmail.Knock;
            return knock.CredentialOpens == WebKnock.Knocking.Totp.CredentialOpens.Prefix
                ? $"{service}: a credential opens the knocker's /{knock.CredentialPrefixV4} (IPv4) or /{knock.CredentialPrefixV6} (IPv6)"
                : $"{service}: a credential opens the knocker's address";
        })];
    }

    private static IReadOnlyList<string?> Users(IEnumerable<WebmailSession> sessions) =>
        [.. sessions.OrderBy(s => s.Since).ThenBy(s => s.UserName, StringComparer.Ordinal).Select(s => s.UserName)];
}
