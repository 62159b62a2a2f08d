using System.Net;
using WebKnock.Events.Geo;

namespace WebKnock.Tests.Events.Geo;

/// <summary>A test that needs the tor-geoipdb range files, skipped with the reason when the machine has none.</summary>
internal sealed class GeoIpFilesFactAttribute : FactAttribute
{
    public GeoIpFilesFactAttribute()
    {
        if (RealGeoIpTests.Folder is null)
        {
            Skip = "No tor-geoipdb ranges in /usr/share/webknock/geoip or /usr/share/tor: run scripts/install-geoip.sh as root.";
        }
    }
}

public sealed class RealGeoIpTests
{
    internal static readonly string? Folder = new[] { "/usr/share/webknock/geoip", TorGeoIpDatabase.PackageFolder }
        .FirstOrDefault(f => File.Exists(Path.Combine(f, "geoip")) && File.Exists(Path.Combine(f, "geoip6")));

    [GeoIpFilesFact]
    public void The_installed_ranges_load_and_place_well_known_addresses()
    {
        var logger = new ListLogger<TorGeoIpDatabase>();
        var database = new TorGeoIpDatabase(Folder!, logger);
        using var lookup = new CountryLookup(database, 1000);

        var (v4, v6) = database.Count;
        Assert.True(v4 > 100_000, $"{v4} IPv4 ranges");
        Assert.True(v6 > 50_000, $"{v6} IPv6 ranges");
        Assert.Empty(logger.WithId(6043));
        Assert.Equal("US", lookup.Lookup(IPAddress.Parse("8.8.8.8")));
        Assert.Equal("US", lookup.Lookup(IPAddress.Parse("::ffff:8.8.8.8")));
        Assert.Equal("US", lookup.Lookup(IPAddress.Parse("2001:4860:4860::8888")));
        Assert.Equal("AU", lookup.Lookup(IPAddress.Parse("1.0.0.1")));
        Assert.Equal("JP", lookup.Lookup(IPAddress.Parse("2001:200::1")));
        Assert.Equal(AddressLabels.Private, lookup.Lookup(IPAddress.Parse("10.20.30.40")));
    }
}
