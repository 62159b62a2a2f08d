using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using WebKnock.Configuration;
using WebKnock.Proxy.Gate;

namespace WebKnock.Tests.Proxy;

public sealed class ClientAddressResolverTests
{
    private static IPAddress Resolve(string remote, string? forwardedFor, params string[] trusted)
    {
        var options = new WebKnockOptions();
        options.Network.TrustedProxies = trusted;
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(remote);
        if (forwardedFor is not null)
        {
            context.Request.Headers["X-Forwarded-For"] = forwardedFor;
        }

        return new ClientAddressResolver(Options.Create(options)).Resolve(context);
    }

    [Theory]
    [InlineData("192.0.2.10", "203.0.113.9", "192.0.2.10")] // no trusted proxy: the header is ignored
    [InlineData("192.0.2.10", "203.0.113.9", "192.0.2.10", "198.51.100.1")] // a client that is not the proxy
    [InlineData("198.51.100.1", "192.0.2.44", "192.0.2.44", "198.51.100.1")] // the trusted proxy's word is taken
    [InlineData("198.51.100.1", "203.0.113.9, 192.0.2.44", "192.0.2.44", "198.51.100.1")] // right-most untrusted hop
    [InlineData("198.51.100.1", "192.0.2.44, 198.51.100.2", "192.0.2.44", "198.51.100.0/24")] // chain of trusted proxies
    [InlineData("198.51.100.1", "garbage", "::", "198.51.100.1")] // malformed: nobody, never the proxy itself
    [InlineData("198.51.100.1", null, "::", "198.51.100.1")] // no header: nobody
    [InlineData("198.51.100.1", "", "::", "198.51.100.1")]
    [InlineData("198.51.100.1", "1", "::", "198.51.100.1")] // not four dotted parts
    [InlineData("198.51.100.1", "192.0.2.44:1234", "::", "198.51.100.1")] // a port
    [InlineData("198.51.100.1", "[2001:db8::1]", "::", "198.51.100.1")] // brackets
    [InlineData("198.51.100.1", "198.51.100.2", "::", "198.51.100.0/24")] // only trusted proxies: nobody
    [InlineData("198.51.100.1", "2001:db8::9, 198.51.100.2", "2001:db8::9", "198.51.100.0/24")]
    [InlineData("::ffff:192.0.2.10", null, "192.0.2.10")] // mapped IPv4 is IPv4
    [InlineData("2001:db8::5", "192.0.2.1", "192.0.2.1", "2001:db8::/64")] // IPv6 proxy network
    [InlineData("2001:db8::5", "192.0.2.1", "2001:db8::5", "2001:db8:1::/64", "2001:db8::6")] // not the proxy
    public void Resolves(string remote, string? forwardedFor, string expected, params string[] trusted)
    {
        Assert.Equal(IPAddress.Parse(expected), Resolve(remote, forwardedFor, trusted));
    }
}
