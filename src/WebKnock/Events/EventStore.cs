using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace WebKnock.Events;

/// <summary>
/// The SQLite file of events: opens connections (pooled, WAL), creates and migrates the schema once,
/// inserts batches in one transaction, and purges old rows in chunks.
/// </summary>
internal sealed partial class EventStore : IDisposable
{
    private const int PurgeChunk = 10_000;

    private readonly string _connectionString;
    private readonly ILogger<EventStore> _logger;
    private readonly Lock _migrateLock = new();
    private bool _migrated;

    public EventStore(IOptions<EventStoreOptions> options, ILogger<EventStore> logger)
        : this(options.Value.Path, logger)
    {
    }

    public EventStore(string path, ILogger<EventStore> logger)
    {
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

    /// <summary>Stores the events in one transaction; returns how many.</summary>
    public int Insert(IReadOnlyList<GatewayEvent> events)
    {
        if (events.Count == 0)
        {
            return 0;
        }

        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText =
            "INSERT INTO events (at, type, service, address, port, user_name, detail, country) " +
            "VALUES ($at, $type, $service, $address, $port, $user, $detail, $country);";
        var at = command.Parameters.Add("$at", SqliteType.Integer);
        var type = command.Parameters.Add("$type", SqliteType.Integer);
        var service = command.Parameters.Add("$service", SqliteType.Text);
        var address = command.Parameters.Add("$address", SqliteType.Text);
        var port = command.Parameters.Add("$port", SqliteType.Integer);
        var user = command.Parameters.Add("$user", SqliteType.Text);
        var detail = command.Parameters.Add("$detail", SqliteType.Text);
        var country = command.Parameters.Add("$country", SqliteType.Text);
        command.Prepare();

        foreach (var e in events)
        {
            at.Value = e.Time.ToUnixTimeMilliseconds();
            type.Value = (int)e.Type;
            service.Value = (object?)e.Service ?? DBNull.Value;
            address.Value = e.Address is null ? DBNull.Value : EventAddress.ToText(e.Address);
            port.Value = (object?)e.Port ?? DBNull.Value;
            user.Value = (object?)e.User ?? DBNull.Value;
            detail.Value = (object?)e.Detail ?? DBNull.Value;
            country.Value = (object?)e.Country ?? DBNull.Value;
            command.ExecuteNonQuery();
        }

        DailyCounts.Add(connection, transaction, events);
        transaction.Commit();
        return events.Count;
    }

    /// <summary>
    /// Deletes the events older than <paramref name="cutoff"/>, a chunk per transaction so the writer is
    /// never held up long, and the daily counts of the days that end before it (whole days: a cutoff at
    /// midnight, as the retention uses, keeps the counts equal to the events).
    /// </summary>
    public long PurgeBefore(DateTimeOffset cutoff)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText =
            "DELETE FROM events WHERE id IN (SELECT id FROM events WHERE at < $cutoff ORDER BY at LIMIT $chunk);";
        command.Parameters.AddWithValue("$cutoff", cutoff.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$chunk", PurgeChunk);
        long total = 0;
        int deleted;
        do
        {
            deleted = command.ExecuteNonQuery();
            total += deleted;
        }
        while (deleted == PurgeChunk);

        DailyCounts.PurgeBefore(connection, DailyCounts.DayOf(cutoff.ToUnixTimeMilliseconds()));
        return total;
    }

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
