using System.Net;

namespace WebKnock.Events.Geo;

/// <summary>The country of an address, for the status page and the charts.</summary>
public interface ICountryLookup
{
    /// <summary>
    /// An ISO 3166 country code ("DE"), a label from <see cref="AddressLabels"/> for addresses that
    /// belong to no country ("private address", "loopback"...), or null when the database does not know.
    /// </summary>
    string? Lookup(IPAddress address);
}

/// <summary>A country database: consulted only for global unicast addresses, already in canonical form.</summary>
internal interface ICountryDatabase
{
    string? Find(IPAddress address);
}
