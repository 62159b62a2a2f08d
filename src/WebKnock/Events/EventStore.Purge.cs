using Microsoft.Data.Sqlite;

namespace WebKnock.Events;

/// <summary>How the store stays bounded: the retention's purge by age and the cap on rows (WebKnock:Events:MaxRows).</summary>
internal sealed partial class EventStore
{
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

    /// <summary>
    /// Keeps the store to <see cref="EventStoreOptions.MaxRows"/> rows: when the span of row ids (an upper bound of the
    /// row count, read from the rowid index at no cost) goes past it, the oldest rows are deleted, in chunks, down to
    /// nine tenths of it, so a full store does not purge after every batch. The daily counts are left as they are:
    /// the charts keep counting what the list no longer shows.
    /// </summary>
    private void EnforceMaxRows(SqliteConnection connection)
    {
        if (_maxRows <= 0)
        {
            return;
        }

        using var span = connection.CreateCommand();
        span.CommandText = "SELECT COALESCE(MAX(id), 0), COALESCE(MIN(id), 0) FROM events;";
        long maxId, minId;
        using (var reader = span.ExecuteReader())
        {
            reader.Read();
            maxId = reader.GetInt64(0);
            minId = reader.GetInt64(1);
        }

        if (maxId - minId + 1 <= _maxRows)
        {
            return;
        }

        var keepFrom = maxId - (_maxRows * 9 / 10) + 1;
        using var delete = connection.CreateCommand();
        delete.CommandText = "DELETE FROM events WHERE id IN (SELECT id FROM events WHERE id < $keep ORDER BY id LIMIT $chunk);";
        delete.Parameters.AddWithValue("$keep", keepFrom);
        delete.Parameters.AddWithValue("$chunk", PurgeChunk);
        long total = 0;
        int deleted;
        do
        {
            deleted = delete.ExecuteNonQuery();
            total += deleted;
        }
        while (deleted == PurgeChunk);

        TrimmedToMaxRows(_logger, total, _maxRows, FilePath);
    }

    [LoggerMessage(9510, LogLevel.Information, "Event store {Path} at WebKnock:Events:MaxRows ({MaxRows}): deleted its {Count} oldest events")]
    private static partial void TrimmedToMaxRows(ILogger logger, long count, long maxRows, string path);
}
