using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace WebKnock.Tests.Infrastructure;

/// <summary>
/// TestServer has no sockets, so a test header stands in for the connection's remote address. It is
/// removed before the gateway sees the request; only the test host installs this.
/// </summary>
internal static class TestRemoteAddress
{
    public const string Header = "X-Test-Remote-Address";

    internal sealed class StartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (context.Request.Headers.Remove(Header, out var value) && IPAddress.TryParse(value, out var address))
                {
                    context.Connection.RemoteIpAddress = address;
                }

                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
