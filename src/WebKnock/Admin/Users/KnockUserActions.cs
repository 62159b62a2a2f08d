using Microsoft.Extensions.Options;
using QRCoder;
using WebKnock.Configuration;
using WebKnock.Events;
using WebKnock.Firewall.Nftables;
using WebKnock.Knocking;
using WebKnock.Knocking.Totp;
using WebKnock.Knocking.Users;
using WebKnock.Windows;

namespace WebKnock.Admin.Users;

/// <summary>One knock user as the Users page lists it (no secret).</summary>
public sealed record KnockUserRow(string Name, bool Enabled, bool Configured, int OpenWindows);

/// <summary>A user's enrolment as the admin sees it: the link (secret in its fragment) and its QR code as SVG.</summary>
public sealed record KnockUserEnrolment(string Name, bool Enabled, bool Configured, string? Link, string? QrSvg, string? Problem);

/// <summary>
/// What an administrator can do with knock users: add, show the enrolment, disable, enable, remove. Configured users are
/// read-only. Every action is audited (an AdminAction event naming the knock user, and a log line); no secret is ever
/// in either.
/// </summary>
internal sealed partial class KnockUserActions(
    KnockUsers users,
    AccessWindowManager windows,
    IEventRecorder recorder,
    TimeProvider time,
    IOptions<WebKnockOptions> options,
    IOptions<NftablesOptions> nftables,
    ILogger<KnockUserActions> logger)
{
    public IReadOnlyList<KnockUserRow> List()
    {
        var open = windows.List().Where(w => w.User is not null).Select(w => w.User!)
            .Concat(windows.ListNetworks().Where(w => w.User is not null).Select(w => w.User!))
            .GroupBy(u => u, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return [.. users.List().Select(u => new KnockUserRow(u.Name, u.Enabled, users.IsConfigured(u.Name), open.GetValueOrDefault(u.Name)))];
    }

    public async Task<AdminActionResult> AddAsync(string administrator, string? name, CancellationToken cancellationToken)
    {
        name = (name ?? "").Trim();
        if (!KnockUserNames.IsValid(name))
        {
            return AdminActionResult.Refused("A name is 1-64 letters, digits, '.', '_', '-' or '@'.");
        }

        if (users.Find(name) is not null)
        {
            return AdminActionResult.Refused($"There is a knock user {name} already.");
        }

        if (await users.AddAsync(name, cancellationToken) is null)
        {
            return AdminActionResult.Refused($"{name} could not be added (taken meanwhile?).");
        }

        Audit(administrator, "add", name);
        return AdminActionResult.Done($"Added knock user {name}: open their enrolment and give it to them only.");
    }

    public async Task<AdminActionResult> SetEnabledAsync(string administrator, string? name, bool enabled, CancellationToken cancellationToken)
    {
        name = (name ?? "").Trim();
        if (users.IsConfigured(name))
        {
            return AdminActionResult.Refused($"{name} is configured in {KnockUsersOptions.SectionName}:Users: change it there.");
        }

        if (!await users.SetEnabledAsync(name, enabled, cancellationToken))
        {
            return AdminActionResult.Refused($"There is no knock user {name}.");
        }

        Audit(administrator, enabled ? "enable" : "disable", name);
        return AdminActionResult.Done(enabled ? $"Enabled knock user {name}." : $"Disabled knock user {name}; their windows are closed.");
    }

    public async Task<AdminActionResult> RemoveAsync(string administrator, string? name, CancellationToken cancellationToken)
    {
        name = (name ?? "").Trim();
        if (users.IsConfigured(name))
        {
            return AdminActionResult.Refused($"{name} is configured in {KnockUsersOptions.SectionName}:Users: remove it there.");
        }

        if (!await users.RemoveAsync(name, cancellationToken))
        {
            return AdminActionResult.Refused($"There is no knock user {name}.");
        }

        Audit(administrator, "remove", name);
        return AdminActionResult.Done($"Removed knock user {name}; their windows are closed.");
    }

    /// <summary>The enrolment of a user (audited: it shows the secret); null when there is no such user.</summary>
    public KnockUserEnrolment? Enrolment(string administrator, string? name)
    {
        var user = users.Find(name ?? "");
        if (user is null)
        {
            return null;
        }

        var configured = users.IsConfigured(user.Name);
        var totp = options.Value.Webmail.Knock.Totp;
        if (TotpPools.For(options.Value, nftables.Value, ServiceNames.Webmail) is not { } pool)
        {
            return new KnockUserEnrolment(user.Name, user.Enabled, configured, null, null, "The TOTP knock is off (WebKnock:Webmail:Knock:Totp:Enabled).");
        }

        if (user.TotpSecret.Length == 0)
        {
            return new KnockUserEnrolment(user.Name, user.Enabled, configured, null, null, "This user has no TOTP secret.");
        }

        Audit(administrator, "show enrolment", user.Name);
        var link = TotpEnrolment.Link(totp.KnockPage, user, pool, totp.Ports);
        return new KnockUserEnrolment(user.Name, user.Enabled, configured, link, QrSvg(link), null);
    }

    /// <summary>The QR code of the text as an SVG document (QRCoder, rendered here; nothing leaves the gateway).</summary>
    internal static string QrSvg(string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        return new SvgQRCode(data).GetGraphic(4);
    }

    private void Audit(string administrator, string action, string knockUser)
    {
        recorder.Record(GatewayEvents.AdminAction(administrator, $"knock user {action} {knockUser}", time.GetUtcNow()));
        KnockUserActionLog(logger, administrator, action, knockUser);
    }

    [LoggerMessage(9420, LogLevel.Information, "Administrator {User} did {Action} to knock user {KnockUser}")]
    private static partial void KnockUserActionLog(ILogger logger, string user, string action, string knockUser);
}
