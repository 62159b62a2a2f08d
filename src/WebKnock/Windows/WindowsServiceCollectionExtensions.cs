using WebKnock.Knocking;
using WebKnock.Windows;

namespace Microsoft.Extensions.DependencyInjection;

internal static class WindowsServiceCollectionExtensions
{
    /// <summary>The access windows, fed by completed knocks, restored from the firewall at start.</summary>
    public static IServiceCollection AddAccessWindows(this IServiceCollection services)
    {
        services.TryAddSingleton<AccessWindowManager>();
        services.AddSingleton<IKnockEventHandler>(sp => sp.GetRequiredService<AccessWindowManager>());
        services.AddHostedService<WindowStartup>();
        return services;
    }
}
