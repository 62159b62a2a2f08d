using System.Net;

namespace WebKnock.Firewall.Nftables.Tests;

public sealed class NftSetListingTests
{
    [Fact]
    public void Reads_timeouts_bare_strings_and_default_timeouts()
    {
        const string json = """
            {"nftables": [{"metainfo": {"version": "1.0.6", "json_schema_version": 1}},
             {"set": {"family": "inet", "name": "webmail_allow4", "table": "webknock", "type": "ipv4_addr", "flags": ["timeout"],
              "elem": [{"elem": {"val": "192.0.2.7", "timeout": 90, "expires": 88}}, "192.0.2.8", {"elem": {"val": "192.0.2.9", "expires": 12}},
                       {"elem": {"val": {"prefix": {"addr": "192.0.2.0", "len": 24}}}}, "not-an-address"]}}]}
            """;

        var elements = NftSetListing.Parse(json);

        Assert.Equal(
            [
                new FirewallElement(IPAddress.Parse("192.0.2.7"), TimeSpan.FromSeconds(88)),
                new FirewallElement(IPAddress.Parse("192.0.2.8"), null),
                new FirewallElement(IPAddress.Parse("192.0.2.9"), TimeSpan.FromSeconds(12)),
            ],
            elements);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{}")]
    [InlineData("{\"nftables\": [{\"set\": {\"name\": \"x\"}}]}")]
    public void Empty_listings_give_nothing(string json)
    {
        Assert.Empty(NftSetListing.Parse(json));
    }

    [Fact]
    public void Reads_networks_of_interval_sets_in_every_form_nft_lists()
    {
        const string Json = """
            {"nftables": [{"metainfo": {"version": "1.0.6"}}, {"set": {"family": "inet", "name": "webmail_nets4", "table": "t", "type": "ipv4_addr",
              "flags": ["interval", "timeout"], "elem": [
                {"elem": {"val": {"prefix": {"addr": "198.51.100.0", "len": 24}}, "timeout": 600, "expires": 598}},
                {"elem": {"val": "203.0.113.7", "timeout": 60, "expires": 59}},
                {"prefix": {"addr": "198.51.101.0", "len": 25}},
                "203.0.113.9",
                {"range": ["192.0.2.1", "192.0.2.5"]},
                {"elem": {"val": {"prefix": {"addr": "198.51.102.7", "len": 24}}, "timeout": 60}}]}}]}
            """;

        var networks = NftSetListing.ParseNetworks(Json);

        Assert.Equal(
            [
                new FirewallNetwork(IPNetwork.Parse("198.51.100.0/24"), TimeSpan.FromSeconds(598)),
                new FirewallNetwork(IPNetwork.Parse("203.0.113.7/32"), TimeSpan.FromSeconds(59)),
                new FirewallNetwork(IPNetwork.Parse("198.51.101.0/25"), null),
                new FirewallNetwork(IPNetwork.Parse("203.0.113.9/32"), null),
            ],
            networks);
        Assert.DoesNotContain(NftSetListing.Parse(Json), e => e.Address.Equals(IPAddress.Parse("198.51.100.0")));
    }
}

public sealed class NftAddressTests
{
    [Theory]
    [InlineData("192.0.2.7", "192.0.2.7")]
    [InlineData("::ffff:192.0.2.7", "192.0.2.7")]
    [InlineData("2001:DB8:0:0:0:0:0:7", "2001:db8::7")]
    [InlineData("fe80::1%2", "fe80::1")]
    [InlineData(" 192.0.2.7 ", "192.0.2.7")]
    public void Canonical_text(string input, string expected)
    {
        Assert.True(NftAddress.TryParse(input, out var address));
        Assert.Equal(expected, NftAddress.Format(address));
    }

    [Theory]
    [InlineData("example.org")]
    [InlineData("localhost")]
    [InlineData("192.0.2.7; flush ruleset")]
    [InlineData("")]
    [InlineData(null)]
    public void Names_and_garbage_are_refused(string? input)
    {
        Assert.False(NftAddress.TryParse(input, out _));
    }

    [Theory]
    [InlineData(0.2, "1000ms")]
    [InlineData(1.5, "1500ms")]
    [InlineData(1800, "1800000ms")]
    public void Timeouts_are_whole_milliseconds_of_at_least_a_second(double seconds, string expected)
    {
        Assert.Equal(expected, NftAddress.FormatTimeout(TimeSpan.FromSeconds(seconds)));
    }

    [Theory]
    [InlineData("198.51.100.0/24", "198.51.100.0/24")]
    [InlineData("::ffff:0:0/96", null)]
    [InlineData("2001:db8:5::/48", "2001:db8:5::/48")]
    public void Networks_are_written_canonically(string network, string? expected)
    {
        var parsed = IPNetwork.Parse(network);
        if (expected is null)
        {
            Assert.Throws<ArgumentException>(() => NftAddress.FormatNetwork(parsed));
        }
        else
        {
            Assert.Equal(expected, NftAddress.FormatNetwork(parsed));
        }
    }
}
