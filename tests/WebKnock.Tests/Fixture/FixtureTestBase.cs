using Microsoft.Extensions.Time.Testing;
using SquirrelMailFixture;

namespace WebKnock.Tests.Fixture;

/// <summary>Starts a fresh fixture on 127.0.0.1, port 0, with a fake clock, for each test.</summary>
public abstract class FixtureTestBase : IAsyncLifetime
{
    protected const string Marker = "<!-- logout_error -->";

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2025, 3, 3, 9, 0, 0, TimeSpan.Zero));

    internal RunningFixture Fixture { get; private set; } = null!;

    internal FixtureHttp Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Fixture = await SquirrelMailApp.StartAsync(options: new FixtureOptions { TimeProvider = Time });
        Http = new FixtureHttp(Fixture);
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Fixture.DisposeAsync();
    }
}
