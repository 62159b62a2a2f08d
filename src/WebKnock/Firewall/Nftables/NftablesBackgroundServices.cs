using Microsoft.Extensions.Options;
using WebKnock.Configuration;
using WebKnock.Knocking.Nflog;

namespace WebKnock.Firewall.Nftables;

/// <summary>Starts the NFLOG reader, the table watchdog and the set monitor, only when the nftables backend is configured.</summary>
internal sealed class NftablesBackgroundServices(IServiceProvider services, IOptions<WebKnockOptions> options) : IHostedService
{
    private IHostedService[] _started = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Firewall.Backend != "Nftables")
        {
            return;
        }

        _started = [services.GetRequiredService<NflogKnockSource>(), services.GetRequiredService<TableWatchdog>(), services.GetRequiredService<NftablesSetMonitor>()];
        foreach (var service in _started)
        {
            await service.StartAsync(cancellationToken);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var service in _started.Reverse())
        {
            await service.StopAsync(cancellationToken);
        }
    }
}
