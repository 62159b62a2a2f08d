using WebKnock.Knocking;
using WebKnock.Windows;

namespace Microsoft.Extensions.DependencyInjection;

internal static class WindowsServiceCollectionExtensions
{
    /// <summary>The access windows, fed by completed knocks, restored from the firewall at start, reconciled with it after.</summary>
    public static IServiceCollection AddAccessWindows(this IServiceCollection services)
    {
        services.TryAddSingleton<AccessWindowManager>();
        services.AddSingleton<IKnockEventHandler>(sp => sp.GetRequiredService<AccessWindowManager>());
        services.AddHostedService<WindowStartup>();
        services.TryAddSingleton(sp => ActivatorUtilities.CreateInstance<WindowReconciler>(sp).Listen());
        services.AddHostedService(sp => sp.GetRequiredService<WindowReconciler>());

        // What the nftables watchdog puts back when the table was flushed: the windows with their time left.
        services.TryAddSingleton<Func<IEnumerable<(string Service, System.Net.IPAddress Address, TimeSpan Remaining)>>>(sp => () =>
        {
            var windows = sp.GetRequiredService<AccessWindowManager>();
            var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();
            return windows.List().Select(w => (w.Service, w.Address, w.Remaining(now))).Where(w => w.Item3 > TimeSpan.Zero);
        });
        services.TryAddSingleton<Func<IEnumerable<(string Service, System.Net.IPNetwork Network, TimeSpan Remaining)>>>(sp => () =>
        {
            var windows = sp.GetRequiredService<AccessWindowManager>();
            var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();
            return windows.ListNetworks().Select(w => (w.Service, w.Network, w.Remaining(now))).Where(w => w.Item3 > TimeSpan.Zero);
        });
        return services;
    }
}
