using System.Net;
using WebKnock.Events.Geo;

namespace WebKnock.Tests.Events.Geo;

public sealed class SpecialRangesTests
{
    [Theory]
    [InlineData("10.1.2.3", AddressLabels.Private)]
    [InlineData("172.16.0.1", AddressLabels.Private)]
    [InlineData("172.31.255.255", AddressLabels.Private)]
    [InlineData("192.168.1.10", AddressLabels.Private)]
    [InlineData("127.0.0.1", AddressLabels.Loopback)]
    [InlineData("169.254.10.20", AddressLabels.LinkLocal)]
    [InlineData("100.64.0.1", AddressLabels.SharedAddress)]
    [InlineData("100.127.255.254", AddressLabels.SharedAddress)]
    [InlineData("192.0.2.55", AddressLabels.Documentation)]
    [InlineData("198.51.100.7", AddressLabels.Documentation)]
    [InlineData("203.0.113.9", AddressLabels.Documentation)]
    [InlineData("224.0.0.251", AddressLabels.Multicast)]
    [InlineData("0.0.0.0", AddressLabels.Reserved)]
    [InlineData("198.18.0.1", AddressLabels.Reserved)]
    [InlineData("240.0.0.1", AddressLabels.Reserved)]
    [InlineData("255.255.255.255", AddressLabels.Reserved)]
    [InlineData("::1", AddressLabels.Loopback)]
    [InlineData("::", AddressLabels.Reserved)]
    [InlineData("fe80::1", AddressLabels.LinkLocal)]
    [InlineData("fd12:3456::1", AddressLabels.Private)]
    [InlineData("fc00::1", AddressLabels.Private)]
    [InlineData("2001:db8::7", AddressLabels.Documentation)]
    [InlineData("3fff::1", AddressLabels.Documentation)]
    [InlineData("ff02::1", AddressLabels.Multicast)]
    [InlineData("100::1", AddressLabels.Reserved)]
    [InlineData("2001::1", AddressLabels.Reserved)]
    [InlineData("4000::1", AddressLabels.Reserved)]
    [InlineData("8.8.8.8", null)]
    [InlineData("100.63.255.255", null)]
    [InlineData("172.32.0.1", null)]
    [InlineData("2a00:1450:4001::1", null)]
    [InlineData("2001:4860:4860::8888", null)]
    public void Labels_special_ranges_and_leaves_global_addresses_to_the_database(string address, string? label)
    {
        Assert.Equal(label, SpecialRanges.Label(IPAddress.Parse(address)));
    }
}
