using System.Text;
using Microsoft.Data.Sqlite;

namespace WebKnock.Events;

/// <summary>The administrator's event list: filtered, newest first, paged (see <see cref="EventAnalytics.ListEvents"/>).</summary>
internal static class EventList
{
    public static EventPage Query(EventStore store, EventQuery query)
    {
        var page = Math.Max(query.Page, 1);
        var pageSize = Math.Clamp(query.PageSize, 1, EventQuery.MaxPageSize);

        using var connection = store.Open();
        using var count = connection.CreateCommand();
        var where = Where(query, count);
        count.CommandText = $"SELECT COUNT(*) FROM events{where};";
        var total = (long)count.ExecuteScalar()!;

        using var select = connection.CreateCommand();
        Where(query, select);
        select.CommandText =
            $"SELECT id, at, type, service, address, port, user_name, detail, country, n FROM events{where} " +
            "ORDER BY at DESC, id DESC LIMIT $limit OFFSET $offset;";
        select.Parameters.AddWithValue("$limit", pageSize);
        select.Parameters.AddWithValue("$offset", (long)(page - 1) * pageSize);
        var items = EventAnalytics.Read(select, Map);
        return new EventPage(items, total, page, pageSize);
    }

    /// <summary>The WHERE clause, made of fixed fragments; every value goes in as a parameter.</summary>
    private static string Where(EventQuery query, SqliteCommand command)
    {
        var clauses = new List<string>();
        if (query.Types is { Count: > 0 } types)
        {
            var names = new StringBuilder();
            var i = 0;
            foreach (var type in types.Distinct())
            {
                var name = $"$t{i++}";
                names.Append(names.Length == 0 ? name : "," + name);
                command.Parameters.AddWithValue(name, (int)type);
            }

            clauses.Add($"type IN ({names})");
        }

        Add(clauses, command, "service = $service", "$service", query.Service);
        Add(clauses, command, "address = $address", "$address", query.Address is null ? null : EventAddress.ToText(query.Address));
        Add(clauses, command, "user_name = $user", "$user", query.User);
        Add(clauses, command, "at >= $from", "$from", query.From?.ToUnixTimeMilliseconds());
        Add(clauses, command, "at < $to", "$to", query.To?.ToUnixTimeMilliseconds());
        return clauses.Count == 0 ? "" : " WHERE " + string.Join(" AND ", clauses);
    }

    private static void Add(List<string> clauses, SqliteCommand command, string clause, string name, object? value)
    {
        if (value is not null)
        {
            clauses.Add(clause);
            command.Parameters.AddWithValue(name, value);
        }
    }

    internal static StoredEvent Map(SqliteDataReader r)
    {
        var e = new GatewayEvent(
            DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1)),
            (GatewayEventType)r.GetInt32(2),
            r.IsDBNull(3) ? null : r.GetString(3),
            r.IsDBNull(4) ? null : EventAddress.Parse(r.GetString(4)),
            r.IsDBNull(5) ? null : r.GetInt32(5),
            r.IsDBNull(6) ? null : r.GetString(6),
            r.IsDBNull(7) ? null : r.GetString(7))
        {
            Country = r.IsDBNull(8) ? null : r.GetString(8),
            Count = r.FieldCount > 9 ? r.GetInt32(9) : 1,
        };
        return new StoredEvent(r.GetInt64(0), e);
    }
}
