using System.Net;
using MaxMind.Db;

namespace WebKnock.Events.Geo;

/// <summary>
/// Countries from a MaxMind DB file, read with the generic reader so that both record shapes work:
/// GeoLite2/GeoIP2-Country (<c>country.iso_code</c>, else <c>registered_country.iso_code</c>) and
/// flat databases (<c>country_code</c>).
/// </summary>
internal sealed class MaxMindCountryDatabase : ICountryDatabase, IDisposable
{
    private readonly Reader _reader;

    public MaxMindCountryDatabase(string path) => _reader = new Reader(path, FileAccessMode.MemoryMapped);

    public MaxMindCountryDatabase(Stream stream) => _reader = new Reader(stream);

    /// <summary>The database type from the file's metadata, such as "GeoLite2-Country".</summary>
    public string DatabaseType => _reader.Metadata.DatabaseType;

    public string? Find(IPAddress address)
    {
        if (_reader.Metadata.IPVersion == 4 && address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
        {
            return null; // an IPv4-only database cannot answer for IPv6
        }

        var record = _reader.Find<Dictionary<string, object>>(address);
        if (record is null)
        {
            return null;
        }

        var code = IsoCode(record, "country") ?? Text(record, "country_code") ?? IsoCode(record, "registered_country");
        return code is { Length: 2 } && code != "??" ? code.ToUpperInvariant() : null;
    }

    private static string? IsoCode(Dictionary<string, object> record, string key) =>
        record.TryGetValue(key, out var value) && value is Dictionary<string, object> country ? Text(country, "iso_code") : null;

    private static string? Text(Dictionary<string, object> record, string key) =>
        record.TryGetValue(key, out var value) && value is string { Length: > 0 } text ? text : null;

    public void Dispose() => _reader.Dispose();
}
