namespace WebKnock.Knocking;

/// <summary>
/// Where every knock event goes: the log, and the handlers that act on it (the access windows, the
/// event store). Handlers run in registration order on the publishing thread.
/// </summary>
internal sealed partial class KnockEventDispatcher(IEnumerable<IKnockEventHandler> handlers, ILogger<KnockEventDispatcher> logger) : IKnockEventSink
{
    private readonly IKnockEventHandler[] _handlers = [.. handlers];

    public void Publish(KnockEvent e)
    {
        Log(e);
        foreach (var handler in _handlers)
        {
            try
            {
                handler.Handle(e);
            }
            catch (Exception ex)
            {
                HandlerFailed(logger, ex, handler.GetType().Name, e.Kind);
            }
        }
    }

    private void Log(KnockEvent e)
    {
        switch (e.Kind)
        {
            case KnockEventKind.StepHit:
                StepHit(logger, e.Service, e.Source, e.Port, e.Step);
                break;
            case KnockEventKind.SequenceCompleted:
                SequenceCompleted(logger, e.Service, e.Source, e.Port);
                break;
            case KnockEventKind.DroppedAttempt:
                DroppedAttempt(logger, e.Service, e.Source, e.Port);
                break;
            default:
                Refused(logger, e.Kind, e.Service, e.Source, e.Port, e.Step);
                break;
        }
    }

    [LoggerMessage(1000, LogLevel.Information, "Knock step {Step} of {Service} from {Address} on port {Port}")]
    private static partial void StepHit(ILogger logger, string service, System.Net.IPAddress address, int port, int step);

    [LoggerMessage(1001, LogLevel.Information, "Knock sequence of {Service} completed by {Address} (last port {Port})")]
    private static partial void SequenceCompleted(ILogger logger, string service, System.Net.IPAddress address, int port);

    [LoggerMessage(1002, LogLevel.Warning, "Knock {Outcome} for {Service} from {Address} on port {Port} (step {Step})")]
    private static partial void Refused(ILogger logger, KnockEventKind outcome, string service, System.Net.IPAddress address, int port, int step);

    [LoggerMessage(1003, LogLevel.Debug, "Dropped attempt on protected port {Port} of {Service} from {Address}")]
    private static partial void DroppedAttempt(ILogger logger, string service, System.Net.IPAddress address, int port);

    [LoggerMessage(1004, LogLevel.Error, "Knock event handler {Handler} failed on a {Kind} event")]
    private static partial void HandlerFailed(ILogger logger, Exception exception, string handler, KnockEventKind kind);
}

/// <summary>Acts on knock events (for example: opens a window on a completed sequence).</summary>
internal interface IKnockEventHandler
{
    void Handle(KnockEvent knockEvent);
}
