using System.Net;
using WebKnock.Configuration;

namespace WebKnock.Proxy.Gate;

/// <summary>
/// A path that the addresses of some networks reach through the gate without an open window (the operations
/// endpoints for the monitoring networks, the admin pages for the admin networks). It only lets the request past the
/// gate: what answers there must check the address again. Register one as a singleton (<c>services.AddSingleton(new
/// GateExemption(...))</c> or with a factory); the gate takes every registered one. The kernel is not affected: an
/// address that the host's firewall does not let reach the port never gets here.
/// </summary>
/// <param name="Name">What it is for, for the log (<c>metrics</c>, <c>admin</c>).</param>
/// <param name="Path">The path, as routing matches it (case-insensitive).</param>
/// <param name="Prefix">Also every path below it (<c>/admin</c> covers <c>/admin/login</c>, not <c>/administrator</c>).</param>
/// <param name="Networks">The addresses that get through.</param>
/// <param name="Methods">
/// The methods that get through (null: any). A request with another method is judged like any other: what the gateway
/// does not answer itself at the path would otherwise go on to the webmail, without a window.
/// </param>
public sealed record GateExemption(string Name, PathString Path, bool Prefix, NetworkList Networks, IReadOnlyList<string>? Methods = null)
{
    /// <summary>Whether a request for <paramref name="path"/> from <paramref name="address"/> is let through (any method).</summary>
    public bool Allows(PathString path, IPAddress address)
        => (Prefix ? path.StartsWithSegments(Path, StringComparison.OrdinalIgnoreCase) : path.Equals(Path, StringComparison.OrdinalIgnoreCase))
            && Networks.Contains(address);

    /// <summary>Whether <paramref name="request"/> from <paramref name="address"/> is let through: its path, and its method.</summary>
    public bool Allows(HttpRequest request, IPAddress address)
        => (Methods is null || Methods.Contains(request.Method, StringComparer.OrdinalIgnoreCase)) && Allows(request.Path, address);
}
