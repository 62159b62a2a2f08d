using Microsoft.Extensions.Options;
using WebKnock.Events;
using WebKnock.Events.Geo;
using WebKnock.Events.Ssh;
using WebKnock.Knocking;

namespace Microsoft.Extensions.DependencyInjection;

internal static class EventsServiceCollectionExtensions
{
    /// <summary>
    /// The event store of <c>WebKnock:Events</c>: the SQLite store (migrated at start), the recorder
    /// (<see cref="IEventRecorder"/>) and its background writer, the daily retention purge, the chart
    /// queries (<see cref="EventAnalytics"/>), the country lookup (<see cref="ICountryLookup"/>), the
    /// sshd log reader (when <c>WebKnock:Events:SshLog</c> is set), and a knock event handler that
    /// records every knock event.
    /// </summary>
    public static IServiceCollection AddEventStore(this IServiceCollection services)
    {
        services.AddOptions<EventStoreOptions>().BindConfiguration(EventStoreOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EventStoreOptions>, EventStoreOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        services.TryAddSingleton<EventStore>();
        services.TryAddSingleton<EventRecorder>();
        services.TryAddSingleton<IEventRecorder>(sp => sp.GetRequiredService<EventRecorder>());
        services.TryAddSingleton<EventWriter>();
        services.TryAddSingleton<EventAnalytics>();
        services.TryAddSingleton(CreateCountryDatabase);
        services.TryAddSingleton<ICountryLookup, CountryLookup>();

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, EventWriter>(sp => sp.GetRequiredService<EventWriter>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, EventRetention>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SshLogReader>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IKnockEventHandler, KnockEventRecorder>());
        return services;
    }

    private static ICountryDatabase CreateCountryDatabase(IServiceProvider services)
    {
        var geo = services.GetRequiredService<IOptions<EventStoreOptions>>().Value.Geo;
        return string.IsNullOrEmpty(geo.MaxMindPath)
            ? new TorGeoIpDatabase(geo.Folder, services.GetRequiredService<ILogger<TorGeoIpDatabase>>())
            : new MaxMindCountryDatabase(geo.MaxMindPath);
    }
}
