using Microsoft.Data.Sqlite;

namespace WebKnock.Events;

/// <summary>
/// The daily counts behind the charts (tables <c>daily_ports</c> and <c>daily_countries</c>), added up
/// per batch in memory and written with one upsert per distinct key, in the insert's transaction.
/// </summary>
internal static class DailyCounts
{
    private const long DayMs = 86_400_000L;

    /// <summary>The UTC day number since the epoch (rounded down, also before 1970).</summary>
    public static long DayOf(long unixMs) => unixMs % DayMs < 0 ? (unixMs / DayMs) - 1 : unixMs / DayMs;

    public static void Add(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<GatewayEvent> events)
    {
        var ports = new Dictionary<(int Type, long Day, string Service, int Port), long>();
        var countries = new Dictionary<(int Type, long Day, string Country), long>();
        foreach (var e in events)
        {
            var day = DayOf(e.Time.ToUnixTimeMilliseconds());
            // A scan's port is any port: counted per day without it, so a scan of every port stays one row a day.
            var portKey = ((int)e.Type, day, e.Service ?? "", e.Type == GatewayEventType.ScanBlocked ? 0 : e.Port ?? 0);
            ports[portKey] = ports.GetValueOrDefault(portKey) + e.Count;
            var countryKey = ((int)e.Type, day, e.Country ?? "unknown");
            countries[countryKey] = countries.GetValueOrDefault(countryKey) + e.Count;
        }

        Upsert(connection, transaction,
            "INSERT INTO daily_ports (type, day, service, port, n) VALUES ($type, $day, $key, $port, $n) " +
            "ON CONFLICT DO UPDATE SET n = n + excluded.n;",
            ports.Select(p => (p.Key.Type, p.Key.Day, p.Key.Service, p.Key.Port, p.Value)));
        Upsert(connection, transaction,
            "INSERT INTO daily_countries (type, day, country, n) VALUES ($type, $day, $key, $n) " +
            "ON CONFLICT DO UPDATE SET n = n + excluded.n;",
            countries.Select(c => (c.Key.Type, c.Key.Day, c.Key.Country, 0, c.Value)));
    }

    /// <summary>Deletes the counts of the days before <paramref name="day"/>.</summary>
    public static void PurgeBefore(SqliteConnection connection, long day)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM daily_ports WHERE day < $day; DELETE FROM daily_countries WHERE day < $day;";
        command.Parameters.AddWithValue("$day", day);
        command.ExecuteNonQuery();
    }

    private static void Upsert(SqliteConnection connection, SqliteTransaction transaction, string sql, IEnumerable<(int Type, long Day, string Key, int Port, long N)> rows)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        var type = command.Parameters.Add("$type", SqliteType.Integer);
        var day = command.Parameters.Add("$day", SqliteType.Integer);
        var key = command.Parameters.Add("$key", SqliteType.Text);
        var port = sql.Contains("$port", StringComparison.Ordinal) ? command.Parameters.Add("$port", SqliteType.Integer) : null;
        var n = command.Parameters.Add("$n", SqliteType.Integer);
        command.Prepare();
        foreach (var row in rows)
        {
            type.Value = row.Type;
            day.Value = row.Day;
            key.Value = row.Key;
            if (port is not null)
            {
                port.Value = row.Port;
            }

            n.Value = row.N;
            command.ExecuteNonQuery();
        }
    }
}
