using System.Net;
using Microsoft.Extensions.Options;
using WebKnock.Configuration;
using WebKnock.Knocking;
using WebKnock.Windows;

namespace WebKnock.Proxy.Gate;

/// <summary>
/// Defence in depth behind the kernel: a request from an address without an open webmail window (its own or a
/// network's), not in an always-allowed network, and not let through for its path by a <see cref="GateExemption"/>,
/// gets no response at all; the connection is aborted. A request whose client a trusted proxy did not name
/// (<see cref="ClientAddressResolver.Unknown"/>) never passes.
/// </summary>
internal sealed partial class GateMiddleware(
    RequestDelegate next,
    ClientAddressResolver resolver,
    AccessWindowManager windows,
    IOptions<WebKnockOptions> options,
    ILogger<GateMiddleware> logger,
    IEnumerable<GateExemption> exemptions,
    WebKnock.Operations.GatewayMetrics? metrics = null)
{
    private readonly NetworkList _alwaysAllowed = NetworkList.Parse(options.Value.Network.AlwaysAllowed);
    private readonly GateRefusal _refusal = options.Value.Network.Refusal;
    private readonly GateExemption[] _exemptions = [.. exemptions];

    public Task InvokeAsync(HttpContext context)
    {
        var address = resolver.Resolve(context);
        context.Features.Set(new ClientAddressFeature(address));
        ConnectionRegistry.HandlingRequestOn(context.Connection.Id);
        if (!address.Equals(ClientAddressResolver.Unknown)
            && (windows.IsOpen(ServiceNames.Webmail, address) || _alwaysAllowed.Contains(address) || IsExempt(context.Request, address)))
        {
            return next(context);
        }

        metrics?.GateRefused();
        Refused(logger, address, context.Request.Method, context.Request.Path);
        if (_refusal == GateRefusal.NotFound)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        context.Abort();
        return Task.CompletedTask;
    }

    private bool IsExempt(HttpRequest request, IPAddress address)
    {
        foreach (var exemption in _exemptions)
        {
            if (exemption.Allows(request, address))
            {
                return true;
            }
        }

        return false;
    }

    [LoggerMessage(4000, LogLevel.Warning, "Refused {Method} {Path} from {Address}: no open window")]
    private static partial void Refused(ILogger logger, IPAddress address, string method, PathString path);
}
