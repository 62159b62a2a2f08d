namespace WebKnock.Events;

/// <summary>The <c>WebKnock:Events</c> section: where events are kept, for how long, and what feeds them.</summary>
public sealed class EventStoreOptions
{
    public const string SectionName = "WebKnock:Events";

    /// <summary>
    /// The SQLite file, relative to the working directory unless absolute. Production uses
    /// <c>/var/lib/webknock/events.db</c>. Its folder is created when missing.
    /// </summary>
    public string Path { get; set; } = "data/events.db";

    /// <summary>Events older than this many days are purged, once a day.</summary>
    public int RetentionDays { get; set; } = 400;

    /// <summary>
    /// The most rows the store keeps: past it the oldest go first (to nine tenths of it), whatever their age, so that a
    /// flood cannot fill the disk before the retention's daily purge. The charts' daily counts are kept apart and stay
    /// whole. About 120 bytes a row with its indexes: 2,000,000 rows (the default) is about 250 MiB. 0: no limit.
    /// </summary>
    public long MaxRows { get; set; } = 2_000_000;

    /// <summary>How many events may wait for the writer; past that, new events are dropped and counted.</summary>
    public int ChannelCapacity { get; set; } = 10_000;

    /// <summary>The most events the writer stores in one transaction.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>At most one log line about dropped events per this interval.</summary>
    public TimeSpan DropLogInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Where the host's sshd logins are read from: <c>journald</c>, the path of a syslog file such as
    /// <c>/var/log/auth.log</c> (followed across rotation), or empty for none (the default).
    /// </summary>
    public string SshLog { get; set; } = "";

    /// <summary>The country lookup of addresses.</summary>
    public GeoOptions Geo { get; set; } = new();
}

/// <summary>The <c>WebKnock:Events:Geo</c> section.</summary>
public sealed class GeoOptions
{
    /// <summary>
    /// A MaxMind DB file (GeoLite2-Country.mmdb, or an mmdb with flat <c>country_code</c> records).
    /// When set it is used instead of the text ranges.
    /// </summary>
    public string MaxMindPath { get; set; } = "";

    /// <summary>
    /// The folder of the <c>geoip</c> and <c>geoip6</c> range files (tor-geoipdb format), as
    /// <c>scripts/install-geoip.sh</c> installs them. When the files are not there, <c>/usr/share/tor</c>
    /// is tried too (where an installed tor-geoipdb package keeps them).
    /// </summary>
    public string Folder { get; set; } = "/usr/share/webknock/geoip";

    /// <summary>How many looked-up addresses are remembered.</summary>
    public int CacheSize { get; set; } = 50_000;
}
