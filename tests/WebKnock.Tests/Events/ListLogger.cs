using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace WebKnock.Tests.Events;

/// <summary>A logger that keeps what it is given, with the structured properties, for assertions.</summary>
internal sealed class ListLogger<T> : ILogger<T>
{
    public ConcurrentQueue<Entry> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var properties = state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];
        Entries.Enqueue(new Entry(logLevel, eventId.Id, formatter(state, exception), properties.ToDictionary(p => p.Key, p => p.Value)));
    }

    public IReadOnlyList<Entry> WithId(int id) => [.. Entries.Where(e => e.EventId == id)];

    internal sealed record Entry(LogLevel Level, int EventId, string Message, Dictionary<string, object?> Properties);
}
