using System.Net;
using Microsoft.Extensions.Logging;

namespace WebKnock.Firewall.Nftables;

internal sealed partial class NftablesFirewall
{
    [LoggerMessage(EventId = 3100, Level = LogLevel.Information, Message = "nftables table {Table} loaded, {Elements} elements kept")]
    private static partial void LogTableLoaded(ILogger logger, string table, int elements);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "nftables table {Table} restored with {Elements} elements ({Blocks} of them blocks the gateway remembered)")]
    private static partial void LogTableRestored(ILogger logger, string table, int elements, int blocks);

    [LoggerMessage(EventId = 3106, Level = LogLevel.Debug, Message = "nftables window refresh: {Mode}")]
    private static partial void LogRefreshMode(ILogger logger, string mode);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Debug, Message = "Opening {Service} for {Address} for {Timeout}")]
    private static partial void LogOpen(ILogger logger, string service, IPAddress address, TimeSpan timeout);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Debug, Message = "Closing {Service} for {Address}")]
    private static partial void LogClose(ILogger logger, string service, IPAddress address);

    [LoggerMessage(EventId = 3107, Level = LogLevel.Debug, Message = "Opening {Service} for network {Network} for {Timeout}")]
    private static partial void LogOpenNetwork(ILogger logger, string service, string network, TimeSpan timeout);

    [LoggerMessage(EventId = 3108, Level = LogLevel.Debug, Message = "Closing {Service} for network {Network}")]
    private static partial void LogCloseNetwork(ILogger logger, string service, string network);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Debug, Message = "Blocking {Address} for {Duration}")]
    private static partial void LogBlock(ILogger logger, IPAddress address, TimeSpan duration);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Debug, Message = "Unblocking {Address}")]
    private static partial void LogUnblock(ILogger logger, IPAddress address);
}
