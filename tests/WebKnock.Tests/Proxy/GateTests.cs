using System.Net;
using WebKnock.Knocking;
using WebKnock.Tests.Infrastructure;

namespace WebKnock.Tests.Proxy;

public sealed class GateTests : IAsyncLifetime
{
    private const string A = "192.0.2.10";
    private GatewayHarness _gw = null!;

    public async Task InitializeAsync() => _gw = await GatewayHarness.StartAsync();

    public async Task DisposeAsync() => await _gw.DisposeAsync();

    // Kernel twin: GatewayKnockTests.A_knock_with_the_knock_client_opens_443_to_A_only
    [Fact]
    public async Task Without_a_window_there_is_no_response_at_all()
    {
        Assert.True(await _gw.Client(A).IsRefusedAsync());
        Assert.True(await _gw.Client(A).IsRefusedAsync("/.webknock/status"));
    }

    // Kernel twin: GatewayKnockTests.A_knock_with_the_knock_client_opens_443_to_A_only
    [Fact]
    public async Task After_the_right_sequence_the_webmail_answers()
    {
        await _gw.KnockAsync(A);

        using var response = await _gw.Client(A).NavigateAsync(WebmailClient.Base + "login.php");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("login_username", await response.TextAsync());

        // Only for that address.
        Assert.True(await _gw.Client("192.0.2.11").IsRefusedAsync());
    }

    public static TheoryData<string, int[], TcpFlags, int> Failures => new()
    {
        { "wrong order", [7000, 8000, 9000], TcpFlags.Syn, 100 },
        { "too slow", [7000, 9000, 8000], TcpFlags.Syn, 11_000 },
        { "SYN-ACK", [7000, 9000, 8000], TcpFlags.Syn | TcpFlags.Ack, 100 },
        { "ACK", [7000, 9000, 8000], TcpFlags.Ack, 100 },
        { "XMAS", [7000, 9000, 8000], TcpFlags.Fin | TcpFlags.Psh | TcpFlags.Urg, 100 },
        { "incomplete", [7000, 9000], TcpFlags.Syn, 100 },
    };

    // Kernel twin: GatewayKnockTests.A_knock_with_the_knock_client_opens_443_to_A_only
    // Kernel twin: KnockConformanceTests.Every_row_ends_the_same_in_the_in_memory_detector_and_in_the_kernel
    [Theory]
    [MemberData(nameof(Failures))]
    public async Task A_bad_knock_opens_nothing(string why, int[] ports, TcpFlags flags, int gapMs)
    {
        await _gw.KnockAsync(A, ports, flags, TimeSpan.FromMilliseconds(gapMs));

        Assert.False(_gw.IsOpen(A), why);
        Assert.True(await _gw.Client(A).IsRefusedAsync(), why);
    }

    // Kernel twin: GatewayWindowCloseTests.The_last_sign_out_and_the_deadline_close_the_port_and_cut_a_kept_connection
    [Fact]
    public async Task The_window_closes_at_its_deadline_on_the_clock()
    {
        await _gw.KnockAsync(A);
        _gw.Time.Advance(TimeSpan.FromMinutes(29));
        using (var response = await _gw.Client(A).NavigateAsync(WebmailClient.Base + "login.php"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        _gw.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.False(_gw.IsOpen(A));
        Assert.True(await _gw.Client(A).IsRefusedAsync());
    }

    [Fact]
    public async Task A_spoofed_forwarded_for_from_an_untrusted_client_is_ignored()
    {
        await _gw.KnockAsync(A);
        var outsider = _gw.Client("203.0.113.66");
        outsider.DefaultRequestHeaders.Add("X-Forwarded-For", A);

        Assert.True(await outsider.IsRefusedAsync());
    }
}

public sealed class TrustedProxyTests : IAsyncLifetime
{
    private const string Proxy = "198.51.100.1";
    private const string User = "192.0.2.44";
    private GatewayHarness _gw = null!;

    public async Task InitializeAsync() => _gw = await GatewayHarness.StartAsync(new Dictionary<string, string?>
    {
        ["WebKnock:Network:TrustedProxies:0"] = Proxy,
    });

    public async Task DisposeAsync() => await _gw.DisposeAsync();

    [Fact]
    public async Task The_forwarded_for_of_a_trusted_proxy_is_the_client()
    {
        await _gw.KnockAsync(User);
        var viaProxy = _gw.Client(Proxy);
        viaProxy.DefaultRequestHeaders.Add("X-Forwarded-For", User);

        using var response = await viaProxy.NavigateAsync("/.webknock/status");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains($"\"address\":\"{User}\"", await response.TextAsync());

        // The proxy's own requests for someone without a window are refused.
        var other = _gw.Client(Proxy);
        other.DefaultRequestHeaders.Add("X-Forwarded-For", "192.0.2.45");
        Assert.True(await other.IsRefusedAsync());
    }
}
