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
}
