using Microsoft.Data.Sqlite;

namespace WebKnock.Events;

/// <summary>
/// The numbers behind the administrator's charts, each one parameterised query grouped in SQL: the
/// daily counts (kept by the store's triggers) for the per-day and per-country charts, the events
/// themselves for the logins. Days and months are UTC; days and months without events are absent.
/// </summary>
internal sealed partial class EventAnalytics(EventStore store)
{
    /// <summary>Dropped attempts per day and protected port (for example: a month).</summary>
    public IReadOnlyList<PortDayCount> DroppedPerDay(DayRange range, string? service = null)
    {
        using var connection = store.Open();
        using var command = Days(connection, range, service,
            """
            SELECT day, port, SUM(n)
            FROM daily_ports
            WHERE type = $dropped AND day BETWEEN $first AND $last{service}
            GROUP BY day, port
            ORDER BY day, port;
            """);
        command.Parameters.AddWithValue("$dropped", (int)GatewayEventType.DroppedAttempt);
        return Read(command, r => new PortDayCount(DayRange.DayOf(r.GetInt64(0)), r.GetInt32(1), r.GetInt64(2)));
    }

    /// <summary>The <paramref name="count"/> countries with the most events of the type (dropped attempts), most first.</summary>
    public IReadOnlyList<CountryCount> TopCountries(DayRange range, int count = 5, GatewayEventType type = GatewayEventType.DroppedAttempt)
    {
        using var connection = store.Open();
        using var command = Days(connection, range, null,
            """
            SELECT country, SUM(n) AS total
            FROM daily_countries
            WHERE type = $type AND day BETWEEN $first AND $last
            GROUP BY country
            ORDER BY total DESC, country
            LIMIT $count;
            """);
        command.Parameters.AddWithValue("$type", (int)type);
        command.Parameters.AddWithValue("$count", Math.Max(count, 0));
        return Read(command, r => new CountryCount(r.GetString(0), r.GetInt64(1)));
    }

    /// <summary>Completed and failed knock sequences per day.</summary>
    public IReadOnlyList<KnockDayCount> KnocksPerDay(DayRange range, string? service = null)
    {
        using var connection = store.Open();
        using var command = Days(connection, range, service,
            """
            SELECT day, SUM(CASE WHEN type = $completed THEN n ELSE 0 END), SUM(CASE WHEN type = $failed THEN n ELSE 0 END)
            FROM daily_ports
            WHERE type IN ($completed, $failed) AND day BETWEEN $first AND $last{service}
            GROUP BY day
            ORDER BY day;
            """);
        command.Parameters.AddWithValue("$completed", (int)GatewayEventType.KnockCompleted);
        command.Parameters.AddWithValue("$failed", (int)GatewayEventType.KnockFailed);
        return Read(command, r => new KnockDayCount(DayRange.DayOf(r.GetInt64(0)), r.GetInt64(1), r.GetInt64(2)));
    }

    /// <summary>
    /// Successful and failed logins per month (for example: over a year), per service, by the grouping; with
    /// <paramref name="user"/>, only the logins under that name (as the events page's user filter).
    /// </summary>
    public IReadOnlyList<LoginMonthCount> LoginsPerMonth(DayRange range, LoginGrouping grouping, string? service = null, string? user = null)
    {
        // A fixed column from the enum, never text from a caller.
        var key = grouping switch
        {
            LoginGrouping.User => "COALESCE(user_name, '')",
            LoginGrouping.Address => "COALESCE(address, '')",
            _ => "COALESCE(service, '')",
        };
        using var connection = store.Open();
        using var command = connection.CreateCommand();
        command.CommandText =
            $"""
            SELECT CAST(strftime('%Y', at / 1000, 'unixepoch') AS INTEGER) AS y,
                   CAST(strftime('%m', at / 1000, 'unixepoch') AS INTEGER) AS m,
                   COALESCE(service, '') AS s, {key} AS k,
                   SUM(type = $ok), SUM(type = $failed)
            FROM events
            WHERE type IN ($ok, $failed) AND at >= $from AND at < $to{ServiceFilter(command, service)}{(user is null ? "" : " AND user_name = $user")}
            GROUP BY y, m, s, k
            ORDER BY y, m, s, k;
            """;
        command.Parameters.AddWithValue("$from", range.StartMs);
        command.Parameters.AddWithValue("$to", range.EndMs);
        command.Parameters.AddWithValue("$ok", (int)GatewayEventType.LoginSucceeded);
        command.Parameters.AddWithValue("$failed", (int)GatewayEventType.LoginFailed);
        if (user is not null)
        {
            command.Parameters.AddWithValue("$user", user);
        }

        return Read(command, r => new LoginMonthCount(r.GetInt32(0), r.GetInt32(1), r.GetString(2), r.GetString(3), r.GetInt64(4), r.GetInt64(5)));
    }

    /// <summary>A page of events, newest first, filtered by type, service, address, user and time.</summary>
    public EventPage ListEvents(EventQuery query) => EventList.Query(store, query);

    private static SqliteCommand Days(SqliteConnection connection, DayRange range, string? service, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql.Replace("{service}", ServiceFilter(command, service), StringComparison.Ordinal);
        command.Parameters.AddWithValue("$first", range.FirstDay);
        command.Parameters.AddWithValue("$last", range.LastDay);
        return command;
    }

    // Only when asked: a condition on the service always present would keep SQLite from a covering index.
    private static string ServiceFilter(SqliteCommand command, string? service)
    {
        if (service is null)
        {
            return "";
        }

        command.Parameters.AddWithValue("$service", service);
        return " AND service = $service";
    }

    internal static List<T> Read<T>(SqliteCommand command, Func<SqliteDataReader, T> map)
    {
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(map(reader));
        }

        return rows;
    }
}
