using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using WebKnock.Events.Geo;

namespace WebKnock.Tests.Events.Geo;

public sealed class TorGeoIpDatabaseTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly ListLogger<TorGeoIpDatabase> _logger = new();
    private readonly TorGeoIpDatabase _database;

    public TorGeoIpDatabaseTests()
    {
        GeoTestFiles.WriteTo(_folder.Path);
        _database = new TorGeoIpDatabase(_folder.Path, _logger);
    }

    [Theory]
    [InlineData("8.8.8.0", "US")]
    [InlineData("8.8.8.8", "US")]
    [InlineData("8.8.8.255", "US")]
    [InlineData("8.8.9.0", null)]
    [InlineData("8.8.7.255", null)]
    [InlineData("1.0.0.1", "AU")]
    [InlineData("1.0.1.0", null)]
    [InlineData("0.0.0.1", null)]
    [InlineData("193.0.0.1", null)]
    [InlineData("193.0.1.1", "DE")]
    [InlineData("255.255.255.255", null)]
    [InlineData("2001:200::1", "JP")]
    [InlineData("2001:200:ffff:ffff:ffff:ffff:ffff:ffff", "JP")]
    [InlineData("2001:201::", null)]
    [InlineData("2001:4860:4860::8888", "US")]
    [InlineData("2a00:1450:4001:82a::200e", "IE")]
    [InlineData("2a01:4f8::1:0", null)]
    [InlineData("::", null)]
    public void Finds_the_range_of_an_address_by_binary_search(string address, string? country)
    {
        Assert.Equal(country, _database.Find(IPAddress.Parse(address)));
    }

    [Fact]
    public void Unknown_codes_are_skipped_and_malformed_lines_are_counted_and_logged()
    {
        Assert.Equal((4, 3), _database.Count); // "??" lines are not ranges; the reversed IPv6 range is malformed

        var malformed = _logger.WithId(6043);
        Assert.Equal([1, 1], malformed.Select(e => (int)e.Properties["Count"]!));
        Assert.Single(_logger.WithId(6040));
    }

    [Fact]
    public void Ranges_out_of_order_are_sorted()
    {
        // The test file lists 8.8.8.0/24 before 1.0.0.0/24: both are found.
        Assert.Equal("AU", _database.Find(IPAddress.Parse("1.0.0.200")));
        Assert.Equal("US", _database.Find(IPAddress.Parse("8.8.8.200")));
    }

    [Fact]
    public void Without_files_every_address_is_unknown_and_the_log_says_how_to_install_them()
    {
        var logger = new ListLogger<TorGeoIpDatabase>();
        var empty = new TorGeoIpDatabase(Path.Combine(_folder.Path, "nothing-here"), logger);

        var found = empty.Find(IPAddress.Parse("8.8.8.8"));

        if (File.Exists("/usr/share/tor/geoip"))
        {
            Assert.Empty(logger.WithId(6041)); // falls back to the installed tor-geoipdb package
        }
        else
        {
            Assert.Null(found);
            Assert.Contains("install-geoip.sh", Assert.Single(logger.WithId(6041)).Message);
        }
    }

    public void Dispose() => _folder.Dispose();
}
