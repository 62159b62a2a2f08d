using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace WebKnock.Firewall.Nftables;

/// <summary>
/// Notices within <see cref="NftablesOptions.WatchdogInterval"/> that WebKnock's table is gone (Debian's
/// nftables.service starts with <c>flush ruleset</c>) and loads it again with the windows the gateway knows.
/// </summary>
internal sealed partial class TableWatchdog : BackgroundService
{
    private readonly NftablesFirewall _firewall;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private readonly ILogger<TableWatchdog> _logger;

    public TableWatchdog(NftablesFirewall firewall, IOptions<NftablesOptions> options, TimeProvider time, ILogger<TableWatchdog> logger, IServiceProvider services)
    {
        _firewall = firewall;
        _interval = options.Value.WatchdogInterval;
        _time = time;
        _logger = logger;
        KnownWindows = services.GetService<Func<IEnumerable<(string Service, IPAddress Address, TimeSpan Remaining)>>>();
        KnownNetworks = services.GetService<Func<IEnumerable<(string Service, IPNetwork Network, TimeSpan Remaining)>>>();
    }

    /// <summary>The windows to put back after a loss (the window manager's view); none when unset.</summary>
    public Func<IEnumerable<(string Service, IPAddress Address, TimeSpan Remaining)>>? KnownWindows { get; set; }

    /// <summary>The network windows to put back after a loss; none when unset.</summary>
    public Func<IEnumerable<(string Service, IPNetwork Network, TimeSpan Remaining)>>? KnownNetworks { get; set; }

    /// <summary>Raised after the table was found missing and loaded again.</summary>
    public event EventHandler? TableRestored;

    public long Restores { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_interval, _time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            await CheckOnceAsync(stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>One check; restores the table when it is missing. True when a restore happened.</summary>
    public async Task<bool> CheckOnceAsync(CancellationToken cancellationToken)
    {
        if (!_firewall.IsInitialized)
        {
            return false;
        }

        try
        {
            if (await _firewall.TableExistsAsync(cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            LogTableMissing(_logger, _firewall.Table);
            var windows = KnownWindows?.Invoke().ToList() ?? [];
            var networks = KnownNetworks?.Invoke().ToList() ?? [];
            await _firewall.RestoreAsync(windows, cancellationToken, networks).ConfigureAwait(false);
            Restores++;
            TableRestored?.Invoke(this, EventArgs.Empty);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogCheckFailed(_logger, e, _firewall.Table);
            return false;
        }
    }

    [LoggerMessage(EventId = 3110, Level = LogLevel.Warning, Message = "nftables table {Table} is missing (flushed?); loading it again")]
    private static partial void LogTableMissing(ILogger logger, string table);

    [LoggerMessage(EventId = 3111, Level = LogLevel.Error, Message = "Checking or restoring nftables table {Table} failed")]
    private static partial void LogCheckFailed(ILogger logger, Exception exception, string table);
}
