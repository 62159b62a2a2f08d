using Microsoft.Extensions.Logging.Abstractions;
using WebKnock.Events;

namespace WebKnock.Tests.Events;

/// <summary>An event store in a temp folder, released and deleted with it.</summary>
internal sealed class TestStore : IDisposable
{
    private readonly TempFolder _folder = new();

    public TestStore(string name = "events.db") => Store = new EventStore(_folder.File(name), NullLogger<EventStore>.Instance);

    public EventStore Store { get; }

    public string Folder => _folder.Path;

    public void Dispose()
    {
        Store.Dispose();
        _folder.Dispose();
    }
}
