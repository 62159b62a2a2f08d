using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace WebKnock.Events.Geo;

/// <summary>
/// The lookup the gateway uses: the canonical address (IPv4-mapped as IPv4, no zone), a label for
/// special ranges without asking the database, then the database, with a bounded cache in front.
/// </summary>
internal sealed class CountryLookup : ICountryLookup, IDisposable
{
    private readonly ICountryDatabase _database;
    private readonly MemoryCache _cache;

    public CountryLookup(ICountryDatabase database, IOptions<EventStoreOptions> options)
        : this(database, options.Value.Geo.CacheSize)
    {
    }

    public CountryLookup(ICountryDatabase database, int cacheSize)
    {
        _database = database;
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = cacheSize, CompactionPercentage = 0.25 });
    }

    public string? Lookup(System.Net.IPAddress address)
    {
        address = EventAddress.Canonical(address);
        if (SpecialRanges.Label(address) is { } label)
        {
            return label;
        }

        if (_cache.TryGetValue(address, out string? country))
        {
            return country;
        }

        country = _database.Find(address);
        _cache.Set(address, country, new MemoryCacheEntryOptions { Size = 1 });
        return country;
    }

    public void Dispose() => _cache.Dispose();
}
