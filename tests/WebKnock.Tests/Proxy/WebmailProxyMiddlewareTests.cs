using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using WebKnock.Configuration;
using WebKnock.Firewall.InMemory;
using WebKnock.Knocking;
using WebKnock.Proxy;
using WebKnock.Proxy.Banner;
using WebKnock.Proxy.Gate;
using WebKnock.Webmail;
using WebKnock.Windows;

namespace WebKnock.Tests.Proxy;

public sealed class WebmailProxyMiddlewareTests
{
    private static readonly IPAddress A = IPAddress.Parse("192.0.2.10");

    [Fact]
    public async Task A_sign_out_whose_page_the_client_never_read_still_closes_the_last_window()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));
        var options = Options.Create(new WebKnockOptions().ApplyDefaults());
        var firewall = new InMemoryFirewall(time);
        var windows = new AccessWindowManager(firewall, time, options, NullLogger<AccessWindowManager>.Instance);
        var tracker = new SessionTracker(options, time);
        var sessions = new WebmailSessions(tracker, windows, options, NullLogger<WebmailSessions>.Instance);
        var banner = new BannerRenderer(new ServiceCollection().BuildServiceProvider(), NullLoggerFactory.Instance, options);
        var middleware = new WebmailProxyMiddleware(new SquirrelMailProfile(""), sessions, windows, banner, time);
        await windows.OpenOrExtendAsync(ServiceNames.Webmail, A, WindowReason.Knock, default);
        tracker.Add("s1", A, "alice");

        var context = new DefaultHttpContext();
        context.Features.Set(new ClientAddressFeature(A));
        context.Request.Method = "GET";
        context.Request.Path = "/squirrelmail/src/signout.php";
        context.Request.Headers.Cookie = "SQMSESSID=s1";
        context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(new GoneClientStream()));

        await middleware.InvokeAsync(context, async c =>
        {
            c.Response.StatusCode = 200;
            c.Response.ContentType = "text/html";
            c.Response.Headers.SetCookie = "SQMSESSID=SQMTRASH; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/squirrelmail/";
            await c.Response.Body.WriteAsync("<html><body>You have been successfully signed out.</body></html>"u8.ToArray());
        });

        Assert.Empty(tracker.ForAddress(A));
        Assert.False(windows.IsOpen(ServiceNames.Webmail, A));
        Assert.False(firewall.IsAllowed(ServiceNames.Webmail, A));
    }

    private sealed class GoneClientStream : MemoryStream
    {
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            throw new IOException("The client closed the connection.");

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            throw new IOException("The client closed the connection.");

        public override void Write(byte[] buffer, int offset, int count) => throw new IOException("The client closed the connection.");
    }
}
