using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using WebKnock.Configuration;
using WebKnock.Knocking;
using WebKnock.Knocking.Nflog;

namespace WebKnock.Firewall.Nftables.Tests;

public sealed class NftablesServiceCollectionExtensionsTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        // The NFLOG source hands TOTP knocks to the knock users, who live in the event store's database: a throwaway one.
        settings["WebKnock:Events:Path"] = Path.Combine(Directory.CreateTempSubdirectory("wk-nftdi-").FullName, "events.db");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.Configure<WebKnockOptions>(configuration.GetSection(WebKnockOptions.SectionName));
        services.PostConfigure<WebKnockOptions>(o => o.ApplyDefaults());
        services.AddSingleton<IKnockEventSink, NullSink>();
        services.AddEventStore();
        services.AddSingleton<WebKnock.Operations.MetricsRegistry>();
        services.AddAccessWindows();
        services.AddKnocking();
        services.AddNftablesFirewall();
        return services.BuildServiceProvider();
    }

    [Fact]
    public void Registers_the_firewall_the_reader_and_the_watchdog_once()
    {
        var services = new ServiceCollection().AddNftablesFirewall().AddNftablesFirewall();

        Assert.Single(services, d => d.ServiceType == typeof(NftablesFirewallFactory));
        Assert.Single(services, d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(NftablesBackgroundServices));
    }

    [Fact]
    public async Task With_the_in_memory_backend_nothing_of_the_kernel_runs()
    {
        using var provider = Build(new() { ["WebKnock:Firewall:Backend"] = "InMemory" });

        Assert.IsType<WebKnock.Firewall.InMemory.InMemoryFirewall>(provider.GetRequiredService<IFirewall>());
        var kernel = provider.GetServices<IHostedService>().OfType<NftablesBackgroundServices>().Single();
        await kernel.StartAsync(CancellationToken.None);
        Assert.False(provider.GetRequiredService<NflogKnockSource>().Listening.IsCompleted);
        await kernel.StopAsync(CancellationToken.None);
    }

    [Fact]
    public void Resolves_without_touching_the_kernel()
    {
        using var provider = Build(new() { ["WebKnock:Firewall:Backend"] = "Nftables", ["WebKnock:Firewall:Nftables:ScanThreshold"] = "7" });

        Assert.IsType<NftablesFirewall>(provider.GetRequiredService<IFirewall>());
        Assert.Same(provider.GetRequiredService<NftablesFirewall>(), provider.GetRequiredService<IFirewall>());
        Assert.Contains(provider.GetServices<IHostedService>(), s => s is NftablesBackgroundServices);
        Assert.NotNull(provider.GetRequiredService<TableWatchdog>());
        Assert.Equal(7, provider.GetRequiredService<IOptions<NftablesOptions>>().Value.ScanThreshold);
    }

    [Fact]
    public void Bad_options_fail_naming_the_key()
    {
        using var provider = Build(new() { ["WebKnock:Firewall:Nftables:InputPriority"] = "-300" });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<NftablesOptions>>().Value);
        Assert.Contains("WebKnock:Firewall:Nftables:InputPriority", error.Message);
    }

    private sealed class NullSink : IKnockEventSink
    {
        public void Publish(KnockEvent knockEvent)
        {
        }
    }
}
