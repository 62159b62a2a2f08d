using System.Globalization;
using System.Net;
using Microsoft.Extensions.Options;
using WebKnock.Configuration;
using WebKnock.Events;
using WebKnock.Firewall;
using WebKnock.Knocking;
using WebKnock.Windows;

namespace WebKnock.Admin;

/// <summary>What came of an administrator's action: done (with what to tell), or refused (with why, for the form).</summary>
internal sealed record AdminActionResult(bool Succeeded, string Message)
{
    public static AdminActionResult Done(string message) => new(true, message);

    public static AdminActionResult Refused(string message) => new(false, message);
}

/// <summary>
/// What an administrator can do from the Now page: extend or close a window, open one for an address, block
/// and unblock an address. Input arrives as the form's text and is checked here (a refusal is a message, never
/// an exception). Every action that changes something is audited: an AdminAction event (who, what, which
/// address and service) in the event store and a log line.
/// </summary>
internal sealed partial class AdminActions(
    AccessWindowManager windows,
    IFirewall firewall,
    IEventRecorder recorder,
    TimeProvider time,
    IOptions<WebKnockOptions> webknock,
    ILogger<AdminActions> logger,
    WebKnock.Operations.GatewayMetrics? metrics = null)
{
    /// <summary>The longest block an administrator may set.</summary>
    public static readonly TimeSpan MaxBlock = TimeSpan.FromDays(30);

    private readonly WebKnockOptions _options = webknock.Value;

    /// <summary>The services a window can be opened for: the webmail, and SSH when it is guarded.</summary>
    public IReadOnlyList<string> Services => _options.GuardedServices();

    /// <summary>The longest window an administrator may open for the service.</summary>
    public TimeSpan MaxWindow(string service) => ServiceOptions(service).MaxWindow;

    /// <summary>One extension, as the user's Extend button gives: a full window from now, never past MaxWindow from the opening.</summary>
    public async Task<AdminActionResult> ExtendAsync(string administrator, string? target, CancellationToken cancellationToken)
    {
        if (!TryWindowTarget(target, out var service, out var address, out var network, out var refusal))
        {
            return refusal;
        }

        if (network is { } net)
        {
            if (windows.GetNetwork(service, net) is null)
            {
                return AdminActionResult.Refused($"{net} has no open {service} window to extend.");
            }

            var extended = await windows.OpenNetworkAsync(service, net, ServiceOptions(service).Window, cancellationToken);
            Audit(administrator, $"extend {net}", net.BaseAddress, service);
            return AdminActionResult.Done($"Extended the {service} window of {net} until {Clock(extended.ExpiresAt)}.");
        }

        if (!windows.IsOpen(service, address))
        {
            return AdminActionResult.Refused($"{address} has no open {service} window to extend.");
        }

        var window = await windows.OpenForAsync(service, address, ServiceOptions(service).Window, WindowReason.Manual, cancellationToken);
        Audit(administrator, "extend", address, service);
        return AdminActionResult.Done($"Extended the {service} window of {address} until {Clock(window.ExpiresAt)}.");
    }

    /// <summary>Closes a window now; the gate then cuts the address's connections, as at any close.</summary>
    public async Task<AdminActionResult> CloseAsync(string administrator, string? target, CancellationToken cancellationToken)
    {
        if (!TryWindowTarget(target, out var service, out var address, out var network, out var refusal))
        {
            return refusal;
        }

        if (network is { } net)
        {
            if (!await windows.CloseNetworkAsync(service, net, WindowReason.Administrator, cancellationToken))
            {
                return AdminActionResult.Refused($"{net} has no open {service} window to close.");
            }

            Audit(administrator, $"close {net}", net.BaseAddress, service);
            return AdminActionResult.Done($"Closed the {service} window of {net}.");
        }

        if (!await windows.CloseAsync(service, address, WindowReason.Administrator, cancellationToken))
        {
            return AdminActionResult.Refused($"{address} has no open {service} window to close.");
        }

        Audit(administrator, "close", address, service);
        return AdminActionResult.Done($"Closed the {service} window of {address}.");
    }

    /// <summary>Opens (or lengthens) a window for an address, or a network, for a chosen time within MaxWindow.</summary>
    public async Task<AdminActionResult> OpenAsync(string administrator, string? service, string? target, string? duration, string? minutes, CancellationToken cancellationToken)
    {
        service = (service ?? "").Trim();
        if (!Services.Contains(service))
        {
            return AdminActionResult.Refused($"Choose a service: {string.Join(" or ", Services)}.");
        }

        var max = ServiceOptions(service).MaxWindow;
        if (!TryDuration(duration, minutes, max, $"{WebKnockOptions.SectionName}:{Capitalized(service)}:MaxWindow", out var length, out var refusal))
        {
            return refusal;
        }

        switch (ParseTarget(target))
        {
            case IPAddress address:
                var window = await windows.OpenForAsync(service, address, length, WindowReason.Manual, cancellationToken);
                Audit(administrator, $"open {Minutes(length)}", address, service);
                return AdminActionResult.Done($"Opened {service} for {address} until {Clock(window.ExpiresAt)}.");
            case IPNetwork network:
                return await OpenNetworkAsync(administrator, service, network, length, cancellationToken);
            case string problem:
                return AdminActionResult.Refused(problem);
            default:
                return AdminActionResult.Refused("Give an address (198.51.100.7, 2001:db8::7) or a network (198.51.100.0/24).");
        }
    }

    /// <summary>
    /// Opens a whole network (the paper's "allow that organisation temporarily"): a network window, refused with the
    /// window manager's reason when too wide or overlapping another.
    /// </summary>
    public async Task<AdminActionResult> OpenNetworkAsync(string administrator, string service, IPNetwork network, TimeSpan length, CancellationToken cancellationToken)
    {
        if (windows.CheckNetwork(service, network) is { } refusal)
        {
            return AdminActionResult.Refused(refusal);
        }

        NetworkWindow window;
        try
        {
            window = await windows.OpenNetworkAsync(service, network, length, cancellationToken);
        }
        catch (ArgumentException ex)
        {
            return AdminActionResult.Refused(ex.Message); // another window overlapped it meanwhile
        }

        Audit(administrator, $"open {Minutes(length)} {network}", network.BaseAddress, service);
        return AdminActionResult.Done($"Opened {service} for {network} until {Clock(window.ExpiresAt)}.");
    }

    /// <summary>Blocks an address for a while; its open windows close first (reason Blocked), cutting its connections.</summary>
    public async Task<AdminActionResult> BlockAsync(string administrator, IPAddress administratorAddress, string? target, string? duration, string? minutes, CancellationToken cancellationToken)
    {
        if (ParseTarget(target) is not IPAddress address)
        {
            return AdminActionResult.Refused("Give one address to block (198.51.100.7, 2001:db8::7).");
        }

        if (address.Equals(NetworkList.Normalize(administratorAddress)))
        {
            return AdminActionResult.Refused($"{address} is the address you are using: blocking it would lock you out.");
        }

        if (!TryDuration(duration, minutes, MaxBlock, null, out var length, out var refusal))
        {
            return refusal;
        }

        await windows.BlockAsync(address, length, cancellationToken);
        metrics?.AdministratorBlock();
        var now = time.GetUtcNow();
        recorder.Record(GatewayEvents.Blocked(true, address, now, detail: $"administrator {administrator}, {Minutes(length)}"));
        Audit(administrator, $"block {Minutes(length)}", address, null);
        return AdminActionResult.Done($"Blocked {address} until {Clock(now + length)}.");
    }

    public async Task<AdminActionResult> UnblockAsync(string administrator, string? target, CancellationToken cancellationToken)
    {
        if (ParseTarget(target) is not IPAddress address)
        {
            return AdminActionResult.Refused("Give one address to unblock.");
        }

        var blocked = await firewall.ListBlockedAsync(cancellationToken);
        if (!blocked.Any(b => NetworkList.Normalize(b.Address).Equals(address)))
        {
            return AdminActionResult.Refused($"{address} is not blocked.");
        }

        await firewall.UnblockAsync(address, cancellationToken);
        recorder.Record(GatewayEvents.Blocked(false, address, time.GetUtcNow(), detail: $"administrator {administrator}"));
        Audit(administrator, "unblock", address, null);
        return AdminActionResult.Done($"Unblocked {address}.");
    }

    /// <summary>"SERVICE ADDRESS" or "SERVICE NETWORK", as the row buttons of the window table send it.</summary>
    public static string WindowTarget(string service, string addressOrNetwork) => $"{service} {addressOrNetwork}";

    private bool TryWindowTarget(string? target, out string service, out IPAddress address, out IPNetwork? network, out AdminActionResult refusal)
    {
        var parts = (target ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        service = parts.Length == 2 ? parts[0] : "";
        address = IPAddress.None;
        network = null;
        refusal = AdminActionResult.Refused("Choose a window from the table.");
        if (parts.Length != 2 || !Services.Contains(service))
        {
            return false;
        }

        switch (ParseTarget(parts[1]))
        {
            case IPAddress parsed:
                address = parsed;
                return true;
            case IPNetwork parsed:
                network = parsed;
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// An address; a network (CIDR, read as network windows read it; a host prefix is the address); a sentence
    /// saying what is wrong with a network; or null.
    /// </summary>
    internal static object? ParseTarget(string? text)
    {
        text = (text ?? "").Trim();
        if (!text.Contains('/'))
        {
            return IPAddress.TryParse(text, out var address) && !text.Contains('%') ? NetworkList.Normalize(address) : null;
        }

        if (!NetworkWindowInput.TryParse(text, out var network, out var problem))
        {
            return problem;
        }

        var hostBits = network.BaseAddress.GetAddressBytes().Length * 8;
        return network.PrefixLength == hostBits ? NetworkList.Normalize(network.BaseAddress) : network;
    }

    /// <summary>Typed minutes win over the chosen duration; both must be positive and within the maximum.</summary>
    private static bool TryDuration(string? chosen, string? typed, TimeSpan max, string? maxKey, out TimeSpan length, out AdminActionResult refusal)
    {
        length = TimeSpan.Zero;
        refusal = AdminActionResult.Refused("");
        var text = string.IsNullOrWhiteSpace(typed) ? chosen : typed;
        if (!int.TryParse((text ?? "").Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1)
        {
            refusal = AdminActionResult.Refused("Choose a duration, or type a whole number of minutes.");
            return false;
        }

        length = TimeSpan.FromMinutes(count);
        if (length > max)
        {
            var where = maxKey is null ? "" : $" ({maxKey})";
            refusal = AdminActionResult.Refused($"{count} minutes is longer than the most allowed, {Minutes(max)}{where}.");
            return false;
        }

        return true;
    }

    private void Audit(string administrator, string action, IPAddress address, string? service)
    {
        recorder.Record(GatewayEvents.AdminAction(administrator, action, time.GetUtcNow(), address, service));
        AdminActionLog(logger, administrator, action, address, service ?? "-");
    }

    private ServiceOptions ServiceOptions(string service) => service == ServiceNames.Ssh && _options.Ssh is not null ? _options.Ssh : _options.Webmail;

    internal static string Minutes(TimeSpan length) => string.Create(CultureInfo.InvariantCulture, $"{(long)length.TotalMinutes} min");

    private static string Clock(DateTimeOffset time) => time.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    private static string Capitalized(string service) => service.Length == 0 ? service : char.ToUpperInvariant(service[0]) + service[1..];

    [LoggerMessage(8510, LogLevel.Information, "Administrator {User} did {Action} to {Address} ({Service})")]
    private static partial void AdminActionLog(ILogger logger, string user, string action, IPAddress address, string service);
}
