using Microsoft.Data.Sqlite;

namespace WebKnock.Knocking.Spa;

/// <summary>
/// The digests of accepted SPA packets (fwknopd's ENABLE_DIGEST_PERSISTENCE): a SQLite file, so that a packet
/// captured before a restart opens nothing after it. A digest is kept twice the maximum packet age: after that,
/// the packet's timestamp refuses it anyway.
/// </summary>
internal sealed class SpaReplayCache : IDisposable
{
    private readonly string _connectionString;
    private readonly TimeSpan _keep;
    private readonly Lock _lock = new();
    private SqliteConnection? _connection;

    public SpaReplayCache(string path, TimeSpan maxPacketAge)
    {
        FilePath = Path.GetFullPath(path);
        _keep = maxPacketAge * 2;
        _connectionString = new SqliteConnectionStringBuilder { DataSource = FilePath, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString();
    }

    public string FilePath { get; }

    /// <summary>Records the digest; false when it was there already (a replay).</summary>
    public bool TryAdd(string digest, DateTimeOffset now)
    {
        lock (_lock)
        {
            var connection = Connection();
            // Indexed by time, the pruning costs little; done at every insert, the cache never holds an old digest.
            Execute(connection, "DELETE FROM spa_digests WHERE at < $cutoff;", ("$cutoff", (now - _keep).ToUnixTimeMilliseconds()));

            return Execute(connection, "INSERT OR IGNORE INTO spa_digests (digest, at) VALUES ($digest, $at);", ("$digest", digest), ("$at", now.ToUnixTimeMilliseconds())) == 1;
        }
    }

    /// <summary>How many digests are kept now.</summary>
    public long Count()
    {
        lock (_lock)
        {
            using var command = Connection().CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM spa_digests;";
            return (long)command.ExecuteScalar()!;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _connection?.Dispose();
            _connection = null;
        }
    }

    private SqliteConnection Connection()
    {
        if (_connection is null)
        {
            var folder = Path.GetDirectoryName(FilePath);
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }

            var connection = new SqliteConnection(_connectionString);
            connection.Open();
            // WAL with NORMAL: a committed digest survives a crash or restart of the process (the replay that matters);
            // only a power cut may lose the last commits, and their packets are stale MaxPacketAge later anyway. FULL
            // would put an fsync (tens of ms on a busy disk) between every packet and its window.
            Execute(connection, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;");
            Execute(connection, "CREATE TABLE IF NOT EXISTS spa_digests (digest TEXT PRIMARY KEY, at INTEGER NOT NULL) WITHOUT ROWID;");
            Execute(connection, "CREATE INDEX IF NOT EXISTS spa_digests_at ON spa_digests (at);");
            _connection = connection;
        }

        return _connection;
    }

    private static int Execute(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command.ExecuteNonQuery();
    }
}
