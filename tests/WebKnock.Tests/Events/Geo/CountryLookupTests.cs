using System.Net;
using WebKnock.Events.Geo;

namespace WebKnock.Tests.Events.Geo;

public sealed class CountryLookupTests
{
    private readonly CountingDatabase _database = new();

    [Theory]
    [InlineData("8.8.8.8", "v4 8.8.8.8")]
    [InlineData("::ffff:8.8.8.8", "v4 8.8.8.8")]
    [InlineData("2001:4860:4860::8888", "v6 2001:4860:4860::8888")]
    [InlineData("2001:4860:4860::8888%2", "v6 2001:4860:4860::8888")]
    [InlineData("::ffff:192.168.1.20", AddressLabels.Private)]
    [InlineData("10.0.0.1", AddressLabels.Private)]
    [InlineData("::1", AddressLabels.Loopback)]
    public void Maps_IPv4_in_IPv6_and_labels_special_addresses_without_asking_the_database(string address, string expected)
    {
        using var lookup = new CountryLookup(_database, 100);

        Assert.Equal(expected, lookup.Lookup(IPAddress.Parse(address)));
        Assert.Equal(expected.StartsWith('v') ? 1 : 0, _database.Calls);
    }

    [Fact]
    public void Answers_are_cached_including_unknown_ones()
    {
        using var lookup = new CountryLookup(_database, 100);

        for (var i = 0; i < 3; i++)
        {
            lookup.Lookup(IPAddress.Parse("8.8.8.8"));
            lookup.Lookup(IPAddress.Parse("::ffff:8.8.8.8"));
            lookup.Lookup(IPAddress.Parse("9.9.9.9"));
        }

        Assert.Null(lookup.Lookup(IPAddress.Parse("9.9.9.9")));
        Assert.Equal(2, _database.Calls);
    }

    [Fact]
    public void Uses_the_range_files_end_to_end()
    {
        using var folder = new TempFolder();
        GeoTestFiles.WriteTo(folder.Path);
        using var lookup = new CountryLookup(new TorGeoIpDatabase(folder.Path, new ListLogger<TorGeoIpDatabase>()), 100);

        Assert.Equal("US", lookup.Lookup(IPAddress.Parse("::ffff:8.8.8.8")));
        Assert.Equal("JP", lookup.Lookup(IPAddress.Parse("2001:200::53")));
        Assert.Equal(AddressLabels.Private, lookup.Lookup(IPAddress.Parse("192.168.0.1")));
        Assert.Null(lookup.Lookup(IPAddress.Parse("5.5.5.5")));
    }

    private sealed class CountingDatabase : ICountryDatabase
    {
        public int Calls { get; private set; }

        public string? Find(IPAddress address)
        {
            Calls++;
            return address.ToString() == "9.9.9.9" ? null : $"v{(address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 4 : 6)} {address}";
        }
    }
}
