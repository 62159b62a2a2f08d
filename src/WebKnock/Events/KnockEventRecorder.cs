using WebKnock.Knocking;

namespace WebKnock.Events;

/// <summary>Records every knock event (steps, outcomes, floods, scans, dropped attempts) in the store.</summary>
internal sealed class KnockEventRecorder(IEventRecorder recorder) : IKnockEventHandler
{
    public void Handle(KnockEvent knockEvent) => recorder.Record(ToGatewayEvent(knockEvent));

    internal static GatewayEvent ToGatewayEvent(KnockEvent e)
    {
        var (type, detail) = e.Kind switch
        {
            KnockEventKind.StepHit => (GatewayEventType.KnockStep, $"step {e.Step}"),
            KnockEventKind.SequenceCompleted => (GatewayEventType.KnockCompleted, null),
            KnockEventKind.WrongOrder => (GatewayEventType.KnockFailed, "wrong order"),
            KnockEventKind.StepTimedOut => (GatewayEventType.KnockFailed, "timed out"),
            KnockEventKind.Flood => (GatewayEventType.KnockFlood, null),
            KnockEventKind.ScanBlocked => (GatewayEventType.ScanBlocked, null),
            KnockEventKind.DroppedAttempt => (GatewayEventType.DroppedAttempt, null),
            _ => (GatewayEventType.KnockFailed, e.Kind.ToString()),
        };
        return new GatewayEvent(e.Time, type, e.Service, e.Source, e.Port, Detail: detail);
    }
}
