using System.Net;
using WebKnock.Events.Geo;

namespace WebKnock.Tests.Events.Geo;

public sealed class MaxMindCountryDatabaseTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Theory]
    [InlineData("81.2.69.142", "GB")]
    [InlineData("81.2.69.255", "GB")]
    [InlineData("81.2.70.1", null)]
    [InlineData("2a02:c7c::1", "DE")]
    [InlineData("2001:4860::8888", "US")]
    [InlineData("89.160.20.112", "SE")]
    [InlineData("5.5.5.5", null)]
    public void Reads_GeoLite2_country_records(string address, string? country)
    {
        using var database = Open(GeoLite2Records(), "GeoLite2-Country");

        Assert.Equal(country, database.Find(IPAddress.Parse(address)));
        Assert.Equal("GeoLite2-Country", database.DatabaseType);
    }

    [Theory]
    [InlineData("81.2.69.142", "GB")]
    [InlineData("2a02:c7c::1", "DE")]
    [InlineData("2001:4860::8888", null)]
    public void Reads_flat_country_code_records(string address, string? country)
    {
        using var database = Open(
        [
            ("81.2.69.0/24", Flat("GB")),
            ("2a02:c7c::/32", Flat("de")),
            ("2001:4860::/32", Flat("??")),
        ], "geo-whois-asn-country");

        Assert.Equal(country, database.Find(IPAddress.Parse(address)));
    }

    [Fact]
    public void Opens_a_file_from_its_path()
    {
        var path = _folder.File("GeoLite2-Country.mmdb");
        File.WriteAllBytes(path, MmdbWriter.Write(GeoLite2Records(), "GeoLite2-Country"));
        using var database = new MaxMindCountryDatabase(path);

        Assert.Equal("GB", database.Find(IPAddress.Parse("81.2.69.142")));
    }

    private static (string, object)[] GeoLite2Records() =>
    [
        ("81.2.69.0/24", Country("GB", "Europe")),
        ("2a02:c7c::/32", Country("DE", "Europe")),
        ("2001:4860::/32", Country("US", "North America")),
        // An anycast or satellite network: only the registered country is known.
        ("89.160.20.0/24", new Dictionary<string, object> { ["registered_country"] = new Dictionary<string, object> { ["iso_code"] = "SE" } }),
    ];

    private static Dictionary<string, object> Country(string iso, string continent) => new()
    {
        ["continent"] = new Dictionary<string, object> { ["code"] = continent[..2].ToUpperInvariant(), ["names"] = new Dictionary<string, object> { ["en"] = continent } },
        ["country"] = new Dictionary<string, object> { ["geoname_id"] = 2635167u, ["iso_code"] = iso, ["names"] = new Dictionary<string, object> { ["en"] = iso } },
        ["registered_country"] = new Dictionary<string, object> { ["iso_code"] = iso },
    };

    private static Dictionary<string, object> Flat(string code) => new() { ["country_code"] = code };

    private static MaxMindCountryDatabase Open((string, object)[] records, string type) =>
        new(new MemoryStream(MmdbWriter.Write(records, type)));

    public void Dispose() => _folder.Dispose();
}
