using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using WebKnock.Cli;
using WebKnock.Configuration;
using WebKnock.Tests.Infrastructure;

namespace WebKnock.Tests.Configuration;

/// <summary>Guarding SSH must not lock the administrators out; the SSH service's own defaults.</summary>
public sealed class LockoutValidationTests
{
    private static readonly Dictionary<string, string?> Ssh = new()
    {
        ["WebKnock:Ssh:Knock:Ports:0"] = "7100",
        ["WebKnock:Ssh:Knock:Ports:1"] = "7300",
        ["WebKnock:Ssh:Knock:Ports:2"] = "7200",
    };

    private static WebKnockOptions Bind(Dictionary<string, string?> settings)
        => WebKnockConfiguration.BindWebKnock(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());

    private static Dictionary<string, string?> With(params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string?>(Ssh);
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    private static ValidateOptionsResult Validate(WebKnockOptions options) => new WebKnockOptionsValidator().Validate(null, options);

    [Fact]
    public void Ssh_without_an_always_allowed_network_is_refused_naming_both_ways_out()
    {
        var result = Validate(Bind(Ssh));

        Assert.True(result.Failed);
        Assert.Contains("WebKnock:Ssh guards port 22", result.FailureMessage);
        Assert.Contains("WebKnock:Network:AlwaysAllowed", result.FailureMessage);
        Assert.Contains("WebKnock:Ssh:AllowLockout", result.FailureMessage);
    }

    [Theory]
    [InlineData("127.0.0.0/8")]
    [InlineData("::1")]
    public void Loopback_alone_does_not_count(string network)
    {
        var result = Validate(Bind(With(("WebKnock:Network:AlwaysAllowed:0", network))));

        Assert.True(result.Failed);
        Assert.Contains("WebKnock:Ssh:AllowLockout", result.FailureMessage);
    }

    [Theory]
    [InlineData("WebKnock:Network:AlwaysAllowed:0", "192.0.2.0/24")]
    [InlineData("WebKnock:Network:AlwaysAllowed:0", "2001:db8::/48")]
    [InlineData("WebKnock:Ssh:AllowLockout", "true")]
    public void An_always_allowed_network_or_an_explicit_yes_lets_it_start(string key, string value)
    {
        var result = Validate(Bind(With((key, value))));

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Without_ssh_no_always_allowed_network_is_needed()
    {
        var result = Validate(Bind([]));

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Ssh_defaults_to_port_22_and_one_minute_to_connect_and_leaves_the_webmail_alone()
    {
        var options = Bind(Ssh);

        Assert.NotNull(options.Ssh);
        Assert.Equal([22], options.Ssh.ProtectedPorts);
        Assert.Equal(TimeSpan.FromMinutes(1), options.Ssh.Window);
        Assert.False(options.Ssh.AllowLockout);
        Assert.Equal(TimeSpan.FromMinutes(30), options.Webmail.Window);
        Assert.Equal([443], options.Webmail.ProtectedPorts);
    }

    [Fact]
    public void A_configured_ssh_window_and_port_are_kept()
    {
        var options = Bind(With(("WebKnock:Ssh:Window", "00:30:00"), ("WebKnock:Ssh:ProtectedPorts:0", "2222")));

        Assert.Equal(TimeSpan.FromMinutes(30), options.Ssh!.Window);
        Assert.Equal([2222], options.Ssh.ProtectedPorts);
    }

    [Fact]
    public void No_ssh_section_means_no_ssh_service()
    {
        Assert.Null(Bind([]).Ssh);
    }

    [Fact]
    public async Task The_gateway_refuses_to_start_with_ssh_and_no_way_back_in()
    {
        var ex = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var gw = await GatewayHarness.StartAsync(Ssh);
        });

        var message = Flatten(ex);
        Assert.Contains("WebKnock:Network:AlwaysAllowed", message);
        Assert.Contains("WebKnock:Ssh:AllowLockout", message);
    }

    private static string Flatten(Exception? ex) => ex switch
    {
        null => "",
        AggregateException a => string.Join("\n", a.InnerExceptions.Select(Flatten)),
        _ => ex.Message + "\n" + Flatten(ex.InnerException),
    };
}
