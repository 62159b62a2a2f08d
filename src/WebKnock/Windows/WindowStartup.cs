using Microsoft.Extensions.Options;
using WebKnock.Configuration;
using WebKnock.Firewall;
using WebKnock.Knocking;

namespace WebKnock.Windows;

/// <summary>
/// At start: makes sure the firewall's ruleset is in place, then learns the windows the firewall
/// still holds (addresses and networks), with their real remaining time (a restart neither opens nor extends anything).
/// </summary>
internal sealed partial class WindowStartup(
    IFirewall firewall,
    AccessWindowManager windows,
    IOptions<WebKnockOptions> options,
    ILogger<WindowStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await firewall.InitializeAsync(cancellationToken);
        var services = options.Value.GuardedServices();
        foreach (var service in services)
        {
            foreach (var element in await firewall.ListAsync(service, cancellationToken))
            {
                if (element.Remaining is { } remaining && remaining > TimeSpan.Zero)
                {
                    windows.Restore(service, element.Address, remaining);
                }
                else
                {
                    NoTimeout(logger, service, element.Address);
                }
            }

            foreach (var element in await firewall.ListNetworksAsync(service, cancellationToken))
            {
                if (element.Remaining is { } remaining && remaining > TimeSpan.Zero)
                {
                    windows.RestoreNetwork(service, element.Network, remaining);
                }
                else
                {
                    NetworkNoTimeout(logger, service, element.Network);
                }
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(2100, LogLevel.Warning, "Allowed element {Address} of {Service} has no timeout; left to the administrator")]
    private static partial void NoTimeout(ILogger logger, string service, System.Net.IPAddress address);

    [LoggerMessage(2101, LogLevel.Warning, "Allowed network {Network} of {Service} has no timeout; left to the administrator")]
    private static partial void NetworkNoTimeout(ILogger logger, string service, System.Net.IPNetwork network);
}
