using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace WebKnock.Events;

/// <summary>
/// The SQLite file of events: opens connections (pooled, WAL), creates and migrates the schema once,
/// inserts batches in one transaction; the purges (retention, row cap) are in EventStore.Purge.cs.
/// </summary>
internal sealed partial class EventStore : IDisposable
{
    private const int PurgeChunk = 10_000;

    /// <summary>Aggregation rows remembered at most (sources times kinds in the last two minutes).</summary>
    private const int MaxNoiseRows = 100_000;

    private readonly string _connectionString;
    private readonly ILogger<EventStore> _logger;
    private readonly Lock _migrateLock = new();
    private readonly Lock _insertLock = new();
    private readonly Dictionary<NoiseKey, long> _noiseRows = [];
    private readonly long _maxRows;
    private long _noiseMinute = long.MinValue;
    private bool _migrated;

    public EventStore(IOptions<EventStoreOptions> options, ILogger<EventStore> logger)
        : this(options.Value.Path, logger, options.Value.MaxRows)
    {
    }

    /// <param name="maxRows">The most rows kept (0: no limit but the retention).</param>
    public EventStore(string path, ILogger<EventStore> logger, long maxRows = 0)
    {
        _maxRows = maxRows;
        FilePath = System.IO.Path.GetFullPath(path);
        _logger = logger;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30, // also how long a busy database is retried
        }.ToString();
    }

    /// <summary>The absolute path of the database file.</summary>
    public string FilePath { get; }

    /// <summary>Creates the file and its folder when missing and brings the schema up to date; idempotent.</summary>
    public void Migrate()
    {
        if (Volatile.Read(ref _migrated))
        {
            return;
        }

        lock (_migrateLock)
        {
            if (_migrated)
            {
                return;
            }

            var folder = System.IO.Path.GetDirectoryName(FilePath);
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }

            using var connection = new SqliteConnection(_connectionString);
            connection.Open();
            Execute(connection, "PRAGMA journal_mode = WAL;");
            var found = EventSchema.Migrate(connection, FilePath);
            if (found != EventSchema.LatestVersion)
            {
                Migrated(_logger, FilePath, found, EventSchema.LatestVersion);
            }

            Volatile.Write(ref _migrated, true);
        }
    }

    /// <summary>An open connection to an up-to-date store; the caller disposes it.</summary>
    public SqliteConnection Open()
    {
        Migrate();
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        // WAL makes NORMAL durable against crashes of the process; only a power cut may lose the last
        // commits. A 32 MiB page cache holds the address index, whose inserts land all over it; rarer
        // checkpoints (64 MiB of WAL) write a page changed by many batches once. Measured in bench/events.
        Execute(connection, "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -32768; PRAGMA temp_store = MEMORY; PRAGMA wal_autocheckpoint = 16384;");
        return connection;
    }

    /// <summary>
    /// Stores the events in one transaction; returns how many. Noise (<see cref="GatewayEvent.IsNoise"/>) from one source
    /// in one minute, of one type, service, port and detail, is one row: the first occurrence inserts it, the next ones
    /// add to its <c>n</c>, so a source at packet rate costs a row a minute, not a row a packet. The daily counts add up
    /// every occurrence. Then, past <see cref="EventStoreOptions.MaxRows"/>, the oldest rows go.
    /// </summary>
    public int Insert(IReadOnlyList<GatewayEvent> events)
    {
        if (events.Count == 0)
        {
            return 0;
        }

        lock (_insertLock)
        {
            using var connection = Open();
            using var transaction = connection.BeginTransaction();
            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText =
                "INSERT INTO events (at, type, service, address, port, user_name, detail, country, n) " +
                "VALUES ($at, $type, $service, $address, $port, $user, $detail, $country, $n) RETURNING id;";
            var at = insert.Parameters.Add("$at", SqliteType.Integer);
            var type = insert.Parameters.Add("$type", SqliteType.Integer);
            var service = insert.Parameters.Add("$service", SqliteType.Text);
            var address = insert.Parameters.Add("$address", SqliteType.Text);
            var port = insert.Parameters.Add("$port", SqliteType.Integer);
            var user = insert.Parameters.Add("$user", SqliteType.Text);
            var detail = insert.Parameters.Add("$detail", SqliteType.Text);
            var country = insert.Parameters.Add("$country", SqliteType.Text);
            var n = insert.Parameters.Add("$n", SqliteType.Integer);
            insert.Prepare();

            using var add = connection.CreateCommand();
            add.Transaction = transaction;
            add.CommandText = "UPDATE events SET n = n + $n WHERE id = $id AND type = $type;";
            var addId = add.Parameters.Add("$id", SqliteType.Integer);
            var addType = add.Parameters.Add("$type", SqliteType.Integer);
            var addN = add.Parameters.Add("$n", SqliteType.Integer);
            add.Prepare();

            var added = new List<(NoiseKey Key, long Id)>();
            foreach (var e in events)
            {
                var unixMs = e.Time.ToUnixTimeMilliseconds();
                var text = e.Address is null ? null : EventAddress.ToText(e.Address);
                NoiseKey? key = GatewayEvent.IsNoise(e.Type) ? new NoiseKey(Minute(unixMs), (int)e.Type, e.Service, text, e.Port, e.Detail) : null;
                if (key is { } k && _noiseRows.TryGetValue(k, out var rowId))
                {
                    addId.Value = rowId;
                    addType.Value = (int)e.Type;
                    addN.Value = e.Count;
                    if (add.ExecuteNonQuery() == 1)
                    {
                        continue;
                    }
                }

                at.Value = unixMs;
                type.Value = (int)e.Type;
                service.Value = (object?)e.Service ?? DBNull.Value;
                address.Value = (object?)text ?? DBNull.Value;
                port.Value = (object?)e.Port ?? DBNull.Value;
                user.Value = (object?)e.User ?? DBNull.Value;
                detail.Value = (object?)e.Detail ?? DBNull.Value;
                country.Value = (object?)e.Country ?? DBNull.Value;
                n.Value = e.Count;
                var id = (long)insert.ExecuteScalar()!;
                if (key is { } newKey)
                {
                    added.Add((newKey, id));
                    _noiseRows[newKey] = id; // later events of this batch add to it
                }
            }

            DailyCounts.Add(connection, transaction, events);
            try
            {
                transaction.Commit();
            }
            catch
            {
                foreach (var (key, _) in added)
                {
                    _noiseRows.Remove(key); // rows that do not exist after all
                }

                throw;
            }

            ForgetOldNoise(events[^1].Time.ToUnixTimeMilliseconds());
            EnforceMaxRows(connection);
            return events.Count;
        }
    }

    /// <summary>Forgets the aggregation rows of minutes before the last one (events arrive in time order, give or take).</summary>
    private void ForgetOldNoise(long latestUnixMs)
    {
        var minute = Minute(latestUnixMs);
        if (minute <= _noiseMinute && _noiseRows.Count <= MaxNoiseRows)
        {
            return;
        }

        _noiseMinute = Math.Max(_noiseMinute, minute);
        if (_noiseRows.Count > MaxNoiseRows)
        {
            _noiseRows.Clear(); // a flood of distinct sources: only costs rows, which MaxRows bounds
            return;
        }

        foreach (var key in _noiseRows.Keys.Where(k => k.Minute < _noiseMinute - 1).ToList())
        {
            _noiseRows.Remove(key);
        }
    }

    private static long Minute(long unixMs) => unixMs >= 0 ? unixMs / 60_000 : ((unixMs + 1) / 60_000) - 1;

    private readonly record struct NoiseKey(long Minute, int Type, string? Service, string? Address, int? Port, string? Detail);

    public long Count()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM events;";
        return (long)command.ExecuteScalar()!;
    }

    public void Dispose()
    {
        // Pooled connections keep the file open; release them so the file can be moved or deleted.
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    [LoggerMessage(6000, LogLevel.Information, "Event store {Path} migrated from schema version {From} to {To}")]
    private static partial void Migrated(ILogger logger, string path, int from, int to);
}
