using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using WebKnock.Cli;

namespace WebKnock.Tests.Cli;

public sealed class KnockCommandTests
{
    [Fact]
    public void A_host_alone_takes_the_defaults()
    {
        Assert.True(KnockRequest.TryParse(["gw.example.org"], out var request, out var error), error);

        Assert.Equal(new KnockRequest("gw.example.org", "webmail", null, 100, 300, null, false, null, 3000), request);
    }

    [Fact]
    public void Every_option_in_both_spellings()
    {
        Assert.True(KnockRequest.TryParse(
            ["--service", "ssh", "--ports", "7000, 9000,8000", "--gap-ms=50", "--timeout-ms", "250", "-6", "2001:db8::1", "--check", "--check-timeout-ms=1500"],
            out var request, out var error), error);

        Assert.Equal("2001:db8::1", request.Host);
        Assert.Equal("ssh", request.Service);
        Assert.Equal([7000, 9000, 8000], request.Ports!);
        Assert.Equal(50, request.GapMs);
        Assert.Equal(250, request.TimeoutMs);
        Assert.Equal(AddressFamily.InterNetworkV6, request.Family);
        Assert.True(request.Check);
        Assert.Null(request.CheckPort);
        Assert.Equal(1500, request.CheckTimeoutMs);
    }

    [Fact]
    public void A_port_to_check_implies_the_check()
    {
        Assert.True(KnockRequest.TryParse(["192.0.2.1", "-4", "--check-port=8443", "--ports=7000,9000"], out var request, out _));

        Assert.True(request.Check);
        Assert.Equal(8443, request.CheckPort);
        Assert.Equal(AddressFamily.InterNetwork, request.Family);
        Assert.Equal([7000, 9000], request.Ports!);
    }

    [Theory]
    [InlineData("HOST is missing", "--ports", "7000,9000")]
    [InlineData("HOST is missing")]
    [InlineData("one HOST only", "a.example", "b.example")]
    [InlineData("--service must be webmail or ssh", "h", "--service", "imap")]
    [InlineData("--service must be webmail or ssh", "h", "--service")]
    [InlineData("\"70000\" is not a port", "h", "--ports", "7000,70000")]
    [InlineData("\"0\" is not a port", "h", "--ports", "0,7000")]
    [InlineData("\"x\" is not a port", "h", "--ports", "7000,x")]
    [InlineData("--ports needs ports separated by commas", "h", "--ports", "7000,,9000")]
    [InlineData("--ports needs ports separated by commas", "h", "--ports")]
    [InlineData("--ports needs ports separated by commas", "h", "--ports=")]
    [InlineData("--gap-ms must be", "h", "--gap-ms", "-1")]
    [InlineData("--gap-ms must be", "h", "--gap-ms", "fast")]
    [InlineData("--timeout-ms must be", "h", "--timeout-ms", "0")]
    [InlineData("--timeout-ms must be", "h", "--timeout-ms", "600000")]
    [InlineData("--check-port must be", "h", "--check-port", "65536")]
    [InlineData("-4 and -6 exclude each other", "h", "-4", "-6")]
    [InlineData("unknown option \"--verbose\"", "h", "--verbose")]
    [InlineData("unknown option \"--check=yes\"", "h", "--check=yes")]
    public void Bad_arguments_are_named(string message, params string[] args)
    {
        Assert.False(KnockRequest.TryParse(args, out var request, out var error));

        Assert.Null(request);
        Assert.Contains(message, error);
    }

    [Fact]
    public void Zero_gap_is_allowed()
    {
        Assert.True(KnockRequest.TryParse(["h", "--gap-ms", "0"], out var request, out _));
        Assert.Equal(0, request.GapMs);
    }

    [Fact]
    public void Ports_come_from_the_configuration_like_the_gateway_reads_them()
    {
        var configuration = Configuration(new()
        {
            ["WebKnock:Webmail:Knock:Ports:0"] = "7100",
            ["WebKnock:Webmail:Knock:Ports:1"] = "7300",
            ["WebKnock:Webmail:Knock:Ports:2"] = "7200",
            ["WebKnock:Webmail:ProtectedPorts:0"] = "8443",
            ["WebKnock:Ssh:Knock:Ports:0"] = "6001",
            ["WebKnock:Ssh:Knock:Ports:1"] = "6003",
        });

        var webmail = KnockCommand.FromConfiguration(configuration, "webmail");
        Assert.Equal([7100, 7300, 7200], webmail.Ports);
        Assert.Equal(8443, webmail.CheckPort);
        var ssh = KnockCommand.FromConfiguration(configuration, "ssh");
        Assert.Equal([6001, 6003], ssh.Ports);
        Assert.Equal(22, ssh.CheckPort);
    }

    [Fact]
    public void Without_configuration_the_gateway_defaults_apply()
    {
        var (ports, checkPort) = KnockCommand.FromConfiguration(Configuration(new()), "webmail");

        Assert.Equal([7000, 9000, 8000], ports);
        Assert.Equal(443, checkPort);
    }

    [Fact]
    public void Ssh_without_an_ssh_service_says_so()
    {
        var e = Assert.Throws<InvalidOperationException>(() => KnockCommand.FromConfiguration(Configuration(new()), "ssh"));
        Assert.Contains("WebKnock:Ssh", e.Message);
    }

    [Fact]
    public async Task Usage_errors_exit_2_with_the_reason_and_the_usage()
    {
        var (code, output, error) = await RunAsync(Configuration(new()), "--gap-ms", "x");

        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.Contains("--gap-ms must be", error);
        Assert.Contains("usage: webknock knock HOST", error);
    }

    [Fact]
    public async Task A_bad_configuration_exits_2_and_names_the_key()
    {
        // The configuration binder would drop this item silently and knock 9000, 8000: the client refuses instead.
        var configuration = Configuration(new()
        {
            ["WebKnock:Webmail:Knock:Ports:0"] = "seven",
            ["WebKnock:Webmail:Knock:Ports:1"] = "9000",
            ["WebKnock:Webmail:Knock:Ports:2"] = "8000",
        });

        var (code, _, error) = await RunAsync(configuration, "127.0.0.1");

        Assert.Equal(2, code);
        Assert.Contains("cannot take the knock from the configuration", error);
        Assert.Contains("WebKnock:Webmail:Knock:Ports:0", error);
    }

    [Fact]
    public async Task Knocks_in_order_then_reports_open_when_the_port_answers()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var closed = ClosedLoopbackPorts(2);

        var (code, output, _) = await RunAsync(Configuration(new()), "127.0.0.1", "--ports", $"{closed[0]},{closed[1]}", "--gap-ms", "0", "--check-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(0, code);
        Assert.Contains($"step 1/2: port {closed[0]}, reset", output);
        Assert.Contains($"step 2/2: port {closed[1]}, reset", output);
        Assert.Contains($"open: 127.0.0.1 port {port} accepts connections.", output);
    }

    [Fact]
    public async Task The_check_tries_a_refusing_port_again_until_a_window_opens_within_its_time()
    {
        // A window that the gateway opens (a TOTP knock) comes a little after the last SYN; until then the port refuses.
        var closed = ClosedLoopbackPorts(2);
        var listener = new TcpListener(IPAddress.Loopback, closed[1]);
        var late = Task.Delay(400).ContinueWith(_ => listener.Start(), TaskScheduler.Default);
        try
        {
            var (code, output, _) = await RunAsync(Configuration(new()), "127.0.0.1", "-4", "--ports", $"{closed[0]}", "--gap-ms", "0",
                "--check-port", $"{closed[1]}", "--check-timeout-ms", "3000");

            Assert.Equal(0, code);
            Assert.Contains($"open: 127.0.0.1 port {closed[1]} accepts connections.", output);
        }
        finally
        {
            await late;
            listener.Stop();
        }
    }

    [Fact]
    public async Task Reports_still_closed_when_the_port_does_not_answer()
    {
        var closed = ClosedLoopbackPorts(2);

        var (code, output, _) = await RunAsync(Configuration(new()), "127.0.0.1", "-4", "--ports", $"{closed[0]}", "--check-port", $"{closed[1]}");

        Assert.Equal(1, code);
        Assert.Contains($"still closed: 127.0.0.1 port {closed[1]} refused", output);
    }

    [Fact]
    public async Task A_literal_of_the_other_family_is_a_usage_error()
    {
        var (code, _, error) = await RunAsync(Configuration(new()), "127.0.0.1", "-6", "--ports", "7000,9000");

        Assert.Equal(2, code);
        Assert.Contains("127.0.0.1 has no IPv6 address", error);
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(IConfiguration configuration, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await new KnockCommand().RunAsync(args, () => configuration, output, error, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values)
        => new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    /// <summary>Ports on loopback that nothing listens on (bound for a moment to find them, then released).</summary>
    private static int[] ClosedLoopbackPorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        listeners.ForEach(l => l.Start());
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        listeners.ForEach(l => l.Stop());
        return ports;
    }
}
