using System.Net;

namespace WebKnock.Proxy.Gate;

/// <summary>
/// Lets some requests through the gate without an open window, for a part of the gateway that guards itself
/// (the admin pages for the admin networks). Consulted only after the windows and the always-allowed networks said no.
/// </summary>
internal interface IGateExemption
{
    bool Allows(HttpContext context, IPAddress address);
}
