namespace WebKnock.Events;

/// <summary>Takes events for the store. Never blocks the caller and never throws for a full queue.</summary>
public interface IEventRecorder
{
    /// <summary>Queues the event for the writer; when the queue is full the event is dropped and counted.</summary>
    void Record(GatewayEvent gatewayEvent);

    /// <summary>How many events were dropped since the start because the queue was full.</summary>
    long Dropped { get; }
}
