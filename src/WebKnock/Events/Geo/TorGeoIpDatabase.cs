using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace WebKnock.Events.Geo;

/// <summary>
/// Countries from the tor-geoipdb range files (<c>geoip</c>, <c>geoip6</c>), loaded on the first
/// lookup into sorted arrays. Without the files every address is unknown, and the log says how to
/// install them.
/// </summary>
internal sealed partial class TorGeoIpDatabase : ICountryDatabase
{
    /// <summary>Where an installed tor-geoipdb package keeps the files; tried after the configured folder.</summary>
    public const string PackageFolder = "/usr/share/tor";

    private readonly string[] _folders;
    private readonly ILogger<TorGeoIpDatabase> _logger;
    private readonly Lazy<(RangeTable<uint> V4, RangeTable<UInt128> V6)> _tables;

    public TorGeoIpDatabase(string folder, ILogger<TorGeoIpDatabase> logger)
    {
        _folders = folder == PackageFolder ? [folder] : [folder, PackageFolder];
        _logger = logger;
        _tables = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>How many ranges were loaded (loads them).</summary>
    public (int V4, int V6) Count => (_tables.Value.V4.Count, _tables.Value.V6.Count);

    public string? Find(IPAddress address) => address.AddressFamily switch
    {
        AddressFamily.InterNetwork => _tables.Value.V4.Find(TorGeoIpFile.ToUInt32(address)),
        AddressFamily.InterNetworkV6 => _tables.Value.V6.Find(TorGeoIpFile.ToUInt128(address)),
        _ => null,
    };

    private (RangeTable<uint>, RangeTable<UInt128>) Load()
    {
        var folder = _folders.FirstOrDefault(f => File.Exists(Path.Combine(f, "geoip")) || File.Exists(Path.Combine(f, "geoip6")));
        if (folder is null)
        {
            NoDatabase(_logger, _folders[0]);
            return (RangeTable<uint>.Empty, RangeTable<UInt128>.Empty);
        }

        var watch = Stopwatch.StartNew();
        var v4 = Read(Path.Combine(folder, "geoip"), TorGeoIpFile.ReadV4);
        var v6 = Read(Path.Combine(folder, "geoip6"), TorGeoIpFile.ReadV6);
        Loaded(_logger, v4.Count, v6.Count, folder, watch.ElapsedMilliseconds);
        return (v4, v6);
    }

    private RangeTable<T> Read<T>(string path, Func<string, (RangeTable<T> Table, int Malformed)> read)
        where T : struct, IComparable<T>
    {
        if (!File.Exists(path))
        {
            FileMissing(_logger, path);
            return RangeTable<T>.Empty;
        }

        try
        {
            var (table, malformed) = read(path);
            if (malformed > 0)
            {
                MalformedLines(_logger, malformed, path);
            }

            return table;
        }
        catch (IOException ex)
        {
            ReadFailed(_logger, ex, path);
            return RangeTable<T>.Empty;
        }
        catch (UnauthorizedAccessException ex)
        {
            ReadFailed(_logger, ex, path);
            return RangeTable<T>.Empty;
        }
    }

    [LoggerMessage(6040, LogLevel.Information, "Country ranges loaded: {V4} IPv4 and {V6} IPv6 from {Folder} in {Elapsed} ms (IPFire Location Database, CC BY-SA 4.0)")]
    private static partial void Loaded(ILogger logger, int v4, int v6, string folder, long elapsed);

    [LoggerMessage(6041, LogLevel.Warning, "No country database in {Folder}: countries will show as unknown. Run scripts/install-geoip.sh as root, or set WebKnock:Events:Geo:MaxMindPath")]
    private static partial void NoDatabase(ILogger logger, string folder);

    [LoggerMessage(6042, LogLevel.Warning, "Country range file {Path} is missing: those addresses will show as unknown")]
    private static partial void FileMissing(ILogger logger, string path);

    [LoggerMessage(6043, LogLevel.Warning, "Skipped {Count} malformed lines in the country range file {Path}")]
    private static partial void MalformedLines(ILogger logger, int count, string path);

    [LoggerMessage(6044, LogLevel.Error, "Could not read the country range file {Path}")]
    private static partial void ReadFailed(ILogger logger, Exception exception, string path);
}
