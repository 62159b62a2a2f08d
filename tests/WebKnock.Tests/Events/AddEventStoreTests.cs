using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using WebKnock.Events;
using WebKnock.Events.Geo;
using WebKnock.Events.Ssh;
using WebKnock.Knocking;

namespace WebKnock.Tests.Events;

public sealed class AddEventStoreTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public void Options_bind_from_WebKnock_Events_with_their_defaults()
    {
        using var host = Build(new() { ["WebKnock:Events:RetentionDays"] = "30", ["WebKnock:Events:Geo:Folder"] = "/srv/geo" });

        var options = host.Services.GetRequiredService<IOptions<EventStoreOptions>>().Value;

        Assert.Equal((30, 10_000, 500, "", "/srv/geo", ""), (options.RetentionDays, options.ChannelCapacity, options.BatchSize, options.SshLog, options.Geo.Folder, options.Geo.MaxMindPath));
        Assert.Equal("data/events.db", new EventStoreOptions().Path);
        Assert.Equal(400, new EventStoreOptions().RetentionDays);
    }

    [Fact]
    public void Registers_each_part_once_even_when_called_twice()
    {
        var services = new ServiceCollection();
        services.AddEventStore().AddEventStore();

        Assert.Single(services, d => d.ServiceType == typeof(IHostedService) && d.ImplementationFactory is not null);
        Assert.Single(services, d => d.ServiceType == typeof(IKnockEventHandler));
        Assert.Single(services, d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(SshLogReader));
        Assert.Single(services, d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(EventRetention));
    }

    [Theory]
    [InlineData("RetentionDays", "0")]
    [InlineData("ChannelCapacity", "0")]
    [InlineData("BatchSize", "0")]
    [InlineData("MaxRows", "10")]
    [InlineData("MaxRows", "-1")]
    [InlineData("Path", " ")]
    [InlineData("Geo:MaxMindPath", "/nonexistent/GeoLite2-Country.mmdb")]
    public async Task A_bad_setting_stops_the_start_and_names_its_key(string key, string value)
    {
        using var host = Build(new() { [$"WebKnock:Events:{key}"] = value });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains($"WebKnock:Events:{key}", error.Message);
    }

    [Fact]
    public async Task Knock_events_reach_the_store_through_the_recorder_with_countries()
    {
        using var host = Build([]);
        await host.StartAsync();
        var time = new DateTimeOffset(2026, 3, 3, 9, 0, 0, TimeSpan.Zero);
        foreach (var handler in host.Services.GetServices<IKnockEventHandler>())
        {
            handler.Handle(new KnockEvent(KnockEventKind.StepHit, "webmail", IPAddress.Parse("10.0.0.5"), 7000, 1, time));
            handler.Handle(new KnockEvent(KnockEventKind.WrongOrder, "webmail", IPAddress.Parse("10.0.0.5"), 8000, 2, time));
            handler.Handle(new KnockEvent(KnockEventKind.SequenceCompleted, "ssh", IPAddress.Parse("::ffff:10.0.0.6"), 8000, 3, time));
            handler.Handle(new KnockEvent(KnockEventKind.DroppedAttempt, "webmail", IPAddress.Parse("192.168.7.7"), 443, 0, time));
        }

        await host.StopAsync();

        var events = host.Services.GetRequiredService<EventAnalytics>().ListEvents(new EventQuery()).Items.OrderBy(i => i.Id).Select(i => i.Event).ToList();
        Assert.Equal(
            [
                (GatewayEventType.KnockStep, "step 1", 7000),
                (GatewayEventType.KnockFailed, "wrong order", 8000),
                (GatewayEventType.KnockCompleted, null, 8000),
                (GatewayEventType.DroppedAttempt, null, 443),
            ],
            events.Select(e => (e.Type, e.Detail, e.Port!.Value)));
        Assert.All(events, e => Assert.Equal(AddressLabels.Private, e.Country));
        Assert.Equal(IPAddress.Parse("10.0.0.6"), events[2].Address);
        Assert.True(File.Exists(_folder.File("events.db")));
    }

    [Fact]
    public void A_configured_MaxMind_file_is_used_instead_of_the_range_files()
    {
        var path = _folder.File("country.mmdb");
        File.WriteAllBytes(path, Geo.MmdbWriter.Write([("81.2.69.0/24", new Dictionary<string, object> { ["country_code"] = "GB" })], "test"));
        using var host = Build(new() { ["WebKnock:Events:Geo:MaxMindPath"] = path });

        Assert.IsType<MaxMindCountryDatabase>(host.Services.GetRequiredService<ICountryDatabase>());
        Assert.Equal("GB", host.Services.GetRequiredService<ICountryLookup>().Lookup(IPAddress.Parse("::ffff:81.2.69.1")));
    }

    private IHost Build(Dictionary<string, string?> settings)
    {
        settings.TryAdd("WebKnock:Events:Path", _folder.File("events.db"));
        settings.TryAdd("WebKnock:Events:Geo:Folder", _folder.File("no-geo"));
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddLogging();
        builder.Services.AddEventStore();
        return builder.Build();
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }
}
