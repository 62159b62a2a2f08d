namespace WebKnock.Events;

/// <summary>An event read back from the store, with its row id (stable, increasing with insertion).</summary>
public sealed record StoredEvent(long Id, GatewayEvent Event);
