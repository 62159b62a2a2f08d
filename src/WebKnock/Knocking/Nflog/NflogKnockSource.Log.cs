using System.Net;
using Microsoft.Extensions.Logging;

namespace WebKnock.Knocking.Nflog;

internal sealed partial class NflogKnockSource
{
    [LoggerMessage(EventId = 3200, Level = LogLevel.Information, Message = "Listening to NFLOG group {Group}")]
    private static partial void LogListening(ILogger logger, int group);

    [LoggerMessage(EventId = 3201, Level = LogLevel.Error, Message = "NFLOG reader on group {Group} failed; retrying")]
    private static partial void LogReaderFailed(ILogger logger, Exception exception, int group);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Warning, Message = "NFLOG socket overflowed (ENOBUFS), events lost; overruns so far {Overruns}")]
    private static partial void LogOverrun(ILogger logger, long overruns);

    [LoggerMessage(EventId = 3203, Level = LogLevel.Warning, Message = "{Missing} NFLOG events lost (sequence gap)")]
    private static partial void LogLost(ILogger logger, uint missing);

    [LoggerMessage(EventId = 3204, Level = LogLevel.Debug, Message = "Malformed NFLOG message dropped: {Failure}")]
    private static partial void LogMalformed(ILogger logger, string failure);

    [LoggerMessage(EventId = 3205, Level = LogLevel.Debug, Message = "Kernel knock event {Kind} {Service} from {Source} port {Port} step {Step}")]
    private static partial void LogEvent(ILogger logger, KnockEventKind kind, string service, IPAddress source, int port, int step);

    [LoggerMessage(EventId = 3206, Level = LogLevel.Error, Message = "Publishing knock event {Kind} from {Source} failed")]
    private static partial void LogSinkFailed(ILogger logger, Exception exception, KnockEventKind kind, IPAddress source);
}
