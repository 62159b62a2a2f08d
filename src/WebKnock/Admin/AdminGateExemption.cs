using System.Net;
using Microsoft.Extensions.Options;
using WebKnock.Configuration;
using WebKnock.Proxy.Gate;

namespace WebKnock.Admin;

/// <summary>
/// Addresses in the admin networks reach the admin path (its pages, scripts and styles) without an open window;
/// nothing else: the webmail and the gateway's own endpoints still need one. Off when the admin is off or has no networks.
/// </summary>
internal sealed class AdminGateExemption(IOptions<AdminOptions> options) : IGateExemption
{
    private readonly PathString _path = new(options.Value.Path);
    private readonly bool _active = options.Value.Enabled && options.Value.Networks.Length > 0;
    private readonly NetworkList _networks = NetworkList.TryParse(options.Value.Networks, out var list, out _) ? list : NetworkList.Empty;

    public bool Allows(HttpContext context, IPAddress address) =>
        _active && context.Request.Path.StartsWithSegments(_path, StringComparison.OrdinalIgnoreCase) && _networks.Contains(address);
}
