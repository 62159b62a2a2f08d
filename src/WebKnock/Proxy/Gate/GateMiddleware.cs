using System.Net;
using Microsoft.Extensions.Options;
using WebKnock.Configuration;
using WebKnock.Knocking;
using WebKnock.Windows;

namespace WebKnock.Proxy.Gate;

/// <summary>
/// Defence in depth behind the kernel: a request from an address without an open webmail window (and
/// not in an always-allowed network) gets no response at all; the connection is aborted.
/// </summary>
internal sealed partial class GateMiddleware(
    RequestDelegate next,
    ClientAddressResolver resolver,
    AccessWindowManager windows,
    IOptions<WebKnockOptions> options,
    ILogger<GateMiddleware> logger,
    IEnumerable<IGateExemption> exemptions)
{
    private readonly IGateExemption[] _exemptions = [.. exemptions];

    private readonly NetworkList _alwaysAllowed = NetworkList.Parse(options.Value.Network.AlwaysAllowed);
    private readonly GateRefusal _refusal = options.Value.Network.Refusal;

    public Task InvokeAsync(HttpContext context)
    {
        var address = resolver.Resolve(context);
        context.Features.Set(new ClientAddressFeature(address));
        if (windows.IsOpen(ServiceNames.Webmail, address) || _alwaysAllowed.Contains(address))
        {
            return next(context);
        }

        foreach (var exemption in _exemptions)
        {
            if (exemption.Allows(context, address))
            {
                return next(context);
            }
        }

        Refused(logger, address, context.Request.Method, context.Request.Path);
        if (_refusal == GateRefusal.NotFound)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        context.Abort();
        return Task.CompletedTask;
    }

    [LoggerMessage(4000, LogLevel.Warning, "Refused {Method} {Path} from {Address}: no open window")]
    private static partial void Refused(ILogger logger, IPAddress address, string method, PathString path);
}
