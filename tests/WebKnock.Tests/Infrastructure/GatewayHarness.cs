using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SquirrelMailFixture;
using WebKnock.Knocking;
using WebKnock.Webmail;
using WebKnock.Windows;

namespace WebKnock.Tests.Infrastructure;

/// <summary>
/// The whole gateway in memory (WebApplicationFactory, in-memory firewall, a fake clock) in front of
/// the SquirrelMail fixture running for real on 127.0.0.1. Clients pose as a chosen source address.
/// </summary>
internal sealed class GatewayHarness : IAsyncDisposable
{
    public static readonly int[] Knock = [7000, 9000, 8000];

    private readonly Factory _factory;

    private GatewayHarness(RunningFixture upstream, Factory factory)
    {
        Upstream = upstream;
        _factory = factory;
    }

    public RunningFixture Upstream { get; }

    public FakeTimeProvider Time => _factory.Time;

    public IServiceProvider Services => _factory.Services;

    public AccessWindowManager Windows => Services.GetRequiredService<AccessWindowManager>();

    public WebmailSessions Sessions => Services.GetRequiredService<WebmailSessions>();

    /// <param name="services">Changes to the gateway's services, applied after its own registrations.</param>
    public static async Task<GatewayHarness> StartAsync(IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var upstream = await SquirrelMailApp.StartAsync();
        var all = new Dictionary<string, string?>
        {
            ["WebKnock:Upstream:Url"] = upstream.BaseUri.ToString(),
            ["WebKnock:Firewall:Backend"] = "InMemory",
            ["WebKnock:LogFile"] = "",
            ["WebKnock:Events:Path"] = Path.Combine(Path.GetTempPath(), $"webknock-test-{Guid.NewGuid():N}.db"),
            ["WebKnock:Webmail:Knock:Ports:0"] = "7000",
            ["WebKnock:Webmail:Knock:Ports:1"] = "9000",
            ["WebKnock:Webmail:Knock:Ports:2"] = "8000",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var harness = new GatewayHarness(upstream, new Factory(all, services));
        _ = harness.Services; // start the host now, so a bad configuration fails here
        return harness;
    }

    /// <summary>A browser-like client (cookies kept, no redirects followed) at the given source address.</summary>
    public HttpClient Client(string address) =>
        _factory.CreateDefaultClient(new Uri("https://webmail.example/"), new RemoteAddressHandler(address), new CookieContainerHandler());

    /// <summary>Sends pure SYNs to the given ports from the address, 100 ms apart on the fake clock.</summary>
    public async Task KnockAsync(string address, IEnumerable<int>? ports = null, TcpFlags flags = TcpFlags.Syn, TimeSpan? gap = null)
    {
        var sensor = Services.GetRequiredService<InMemoryKnockSensor>();
        foreach (var port in ports ?? Knock)
        {
            await sensor.ObserveAsync(new KnockPacket(IPAddress.Parse(address), port, flags));
            Time.Advance(gap ?? TimeSpan.FromMilliseconds(100));
        }
    }

    public bool IsOpen(string address) => Windows.IsOpen(ServiceNames.Webmail, IPAddress.Parse(address));

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        await Upstream.DisposeAsync();
    }

    private sealed class Factory(IDictionary<string, string?> settings, Action<IServiceCollection>? services) : WebApplicationFactory<Program>
    {
        public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }

            builder.ConfigureServices(services =>
            {
                services.AddSingleton<TimeProvider>(Time);
                services.AddSingleton<IStartupFilter, TestRemoteAddress.StartupFilter>();
            });
            if (services is not null)
            {
                builder.ConfigureTestServices(services);
            }
        }
    }

    private sealed class RemoteAddressHandler(string address) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Remove(TestRemoteAddress.Header);
            request.Headers.TryAddWithoutValidation(TestRemoteAddress.Header, address);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
