using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using WebKnock.Configuration;

namespace WebKnock.Tests.Configuration;

/// <summary>The start is refused when Kestrel would listen where the firewall does not guard, or the in-memory backend would run in Production.</summary>
public sealed class ExposureValidatorTests
{
    [Theory]
    [InlineData("https://0.0.0.0:443", null)]
    [InlineData("https://[2001:db8:77::1]:443", null)]
    [InlineData("https://*:443", null)]
    [InlineData("https://webmail.example:443", null)]
    [InlineData("https://127.0.0.1:8443", null)] // loopback: nobody outside reaches it
    [InlineData("http://[::1]:9180", null)]
    [InlineData("http://localhost:9180", null)]
    [InlineData("http://unix:/run/webknock/ops.sock", null)]
    [InlineData("https://127.0.0.1:0", null)] // the tests' own gateways
    [InlineData("https://0.0.0.0:8443", "Kestrel:Endpoints:Https:Url (https://0.0.0.0:8443) listens on port 8443, which is not a protected port")]
    [InlineData("http://198.51.100.1:9180", "Kestrel:Endpoints:Https:Url (http://198.51.100.1:9180) listens on port 9180")]
    [InlineData("https://*:0", "listens on port 0")]
    public void A_Kestrel_endpoint_must_be_on_a_protected_port_unless_on_loopback(string url, string? error)
    {
        var result = Validate(new() { ["Kestrel:Endpoints:Https:Url"] = url }, "Testing", new WebKnockOptions().ApplyDefaults());

        if (error is null)
        {
            Assert.True(result.Succeeded, result.FailureMessage);
        }
        else
        {
            Assert.True(result.Failed);
            Assert.Contains(error, result.FailureMessage);
        }
    }

    [Fact]
    public void An_SSH_protected_port_counts_and_every_endpoint_is_checked()
    {
        var options = new WebKnockOptions { Ssh = new SshOptions() }.ApplyDefaults();
        var settings = new Dictionary<string, string?>
        {
            ["Kestrel:Endpoints:Https:Url"] = "https://0.0.0.0:443",
            ["Kestrel:Endpoints:Other:Url"] = "https://0.0.0.0:22",
            ["Kestrel:Endpoints:Wrong:Url"] = "https://0.0.0.0:8443",
        };

        var result = Validate(settings, "Testing", options);

        Assert.True(result.Failed);
        Assert.Single(result.Failures!);
        Assert.Contains("Kestrel:Endpoints:Wrong:Url", result.FailureMessage);
    }

    [Theory]
    [InlineData("urls", "https://0.0.0.0:8443;https://127.0.0.1:5001", "urls (https://0.0.0.0:8443)")]
    [InlineData("https_ports", "8443", "https_ports (https://*:8443)")]
    [InlineData("http_ports", "80", "http_ports (http://*:80)")]
    public void Without_Kestrel_endpoints_the_hosts_urls_and_ports_are_checked(string key, string value, string error)
    {
        var result = Validate(new() { [key] = value }, "Testing", new WebKnockOptions().ApplyDefaults());

        Assert.True(result.Failed);
        Assert.Contains(error, result.FailureMessage);
    }

    [Theory]
    [InlineData("Production", "InMemory", false, true)]
    [InlineData("Production", "InMemory", true, false)]
    [InlineData("Production", "Nftables", false, false)]
    [InlineData("Development", "InMemory", false, false)]
    [InlineData("Testing", "InMemory", false, false)]
    public void The_in_memory_backend_in_Production_needs_AllowInMemoryInProduction(string environment, string backend, bool allow, bool refused)
    {
        var options = new WebKnockOptions().ApplyDefaults();
        options.Firewall.Backend = backend;
        options.Firewall.AllowInMemoryInProduction = allow;

        var result = Validate([], environment, options);

        Assert.Equal(refused, result.Failed);
        if (refused)
        {
            Assert.Contains("WebKnock:Firewall:Backend", result.FailureMessage);
            Assert.Contains("WebKnock:Firewall:AllowInMemoryInProduction", result.FailureMessage);
            Assert.DoesNotContain("\n", result.FailureMessage!, StringComparison.Ordinal);
        }
    }

    private static Microsoft.Extensions.Options.ValidateOptionsResult Validate(Dictionary<string, string?> settings, string environment, WebKnockOptions options)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var host = new HostingEnvironment { EnvironmentName = environment };
        return new ExposureValidator(configuration, host).Validate(null, options);
    }
}
