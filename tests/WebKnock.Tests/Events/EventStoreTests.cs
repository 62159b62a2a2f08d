using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using WebKnock.Events;

namespace WebKnock.Tests.Events;

public sealed class EventStoreTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public void An_empty_file_gets_the_schema_in_WAL_mode()
    {
        var path = _folder.File("events.db");
        File.WriteAllBytes(path, []);
        using var store = new EventStore(path, NullLogger<EventStore>.Instance);

        store.Migrate();

        using var connection = store.Open();
        Assert.Equal(EventSchema.LatestVersion, EventSchema.UserVersion(connection));
        Assert.Equal("wal", Scalar(connection, "PRAGMA journal_mode;"));
        var indexes = Column(connection, "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' ORDER BY name;");
        Assert.Equal(["ix_events_address_at", "ix_events_at", "ix_events_type_at", "ix_events_user_at", "ix_events_windows"], indexes);
        var tables = Column(connection, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name;");
        Assert.Equal(["daily_countries", "daily_ports", "events"], tables);
    }

    [Fact]
    public void A_missing_folder_is_created_and_a_relative_path_is_made_absolute()
    {
        var path = Path.Combine(_folder.Path, "var", "lib", "webknock", "events.db");
        using var store = new EventStore(path, NullLogger<EventStore>.Instance);

        Assert.Equal(0, store.Count());

        Assert.True(File.Exists(path));
        Assert.True(Path.IsPathRooted(new EventStore("data/events.db", NullLogger<EventStore>.Instance).FilePath));
    }

    [Fact]
    public void Opening_again_keeps_the_rows_and_migrates_nothing()
    {
        var path = _folder.File("events.db");
        using (var first = new EventStore(path, NullLogger<EventStore>.Instance))
        {
            first.Insert([new GatewayEvent(DateTimeOffset.UnixEpoch, GatewayEventType.Blocked)]);
        }

        var logger = new ListLogger<EventStore>();
        using var second = new EventStore(path, logger);

        Assert.Equal(1, second.Count());
        Assert.Empty(logger.WithId(6000));
    }

    [Fact]
    public void A_fresh_file_logs_its_migration_with_the_versions()
    {
        var logger = new ListLogger<EventStore>();
        using var store = new EventStore(_folder.File("events.db"), logger);

        store.Migrate();

        var entry = Assert.Single(logger.WithId(6000));
        Assert.Equal(0, entry.Properties["From"]);
        Assert.Equal(EventSchema.LatestVersion, entry.Properties["To"]);
    }

    [Fact]
    public void A_version_2_file_gets_the_window_index_and_keeps_its_rows_and_the_sign_ins_query_uses_it()
    {
        var path = _folder.File("events.db");
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            Assert.Equal(0, EventSchema.Migrate(connection, path, target: 2));
            Assert.Equal(2, EventSchema.UserVersion(connection));
            using var insert = connection.CreateCommand();
            insert.CommandText =
                "INSERT INTO events (at, type, service, address, user_name, detail) VALUES (1000, 6, 'webmail', '198.51.100.7', 'alice', 'TotpKnock');" +
                "INSERT INTO events (at, type, service, address, user_name) VALUES (2000, 9, 'webmail', '198.51.100.7', 'alice');";
            insert.ExecuteNonQuery();
            Assert.DoesNotContain("ix_events_windows", Column(connection, "SELECT name FROM sqlite_master WHERE type = 'index';"));
        }

        var logger = new ListLogger<EventStore>();
        using var store = new EventStore(path, logger);
        store.Migrate();

        var entry = Assert.Single(logger.WithId(6000));
        Assert.Equal((2, 3), ((int)entry.Properties["From"]!, (int)entry.Properties["To"]!));
        Assert.Equal(2, store.Count());
        using var open = store.Open();
        Assert.Equal(3, EventSchema.UserVersion(open));
        Assert.Contains("ix_events_windows", Column(open, "SELECT name FROM sqlite_master WHERE type = 'index';"));

        // The rows from before the migration are in the index: the sign-in is attributed through alice's window.
        var signIns = new EventAnalytics(store).SignInsThroughWindows(new DayRange(new DateOnly(1970, 1, 1), new DateOnly(1970, 1, 1)), ["alice"]);
        Assert.Equal((1L, 0L), signIns["alice"]);

        // The latest window event of a login's address is found through the new index, not a scan.
        var plan = Column(open,
            "EXPLAIN QUERY PLAN SELECT x.id FROM events AS x WHERE x.address = '198.51.100.7' AND x.service = 'webmail' " +
            "AND x.type IN (6, 7, 8) AND x.at <= 5000 ORDER BY x.at DESC, x.id DESC LIMIT 1;", column: 3);
        Assert.Contains(plan, p => p.Contains("USING INDEX ix_events_windows", StringComparison.Ordinal));
    }

    [Fact]
    public void A_file_from_a_newer_version_is_refused_with_its_path()
    {
        var path = _folder.File("events.db");
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"PRAGMA user_version = {EventSchema.LatestVersion + 1};";
            command.ExecuteNonQuery();
        }

        using var store = new EventStore(path, NullLogger<EventStore>.Instance);

        var error = Assert.Throws<InvalidOperationException>(store.Migrate);
        Assert.Contains(path, error.Message);
        Assert.Contains("newer", error.Message);
    }

    [Fact]
    public void Events_come_back_as_they_went_in_with_addresses_in_canonical_form()
    {
        using var store = new EventStore(_folder.File("events.db"), NullLogger<EventStore>.Instance);
        var time = new DateTimeOffset(2026, 3, 3, 10, 15, 2, 123, TimeSpan.FromHours(1));
        store.Insert(
        [
            new GatewayEvent(time, GatewayEventType.LoginSucceeded, "webmail", IPAddress.Parse("::ffff:198.51.100.7"), 443, "alice", "roundcube") { Country = "DE" },
            new GatewayEvent(time, GatewayEventType.Blocked, Address: IPAddress.Parse("2001:DB8:0:0::0:7%3")),
            new GatewayEvent(time, GatewayEventType.AdminAction),
        ]);

        var items = new EventAnalytics(store).ListEvents(new EventQuery()).Items.OrderBy(i => i.Id).Select(i => i.Event).ToList();

        Assert.Equal(
            new GatewayEvent(time, GatewayEventType.LoginSucceeded, "webmail", IPAddress.Parse("198.51.100.7"), 443, "alice", "roundcube") { Country = "DE" },
            items[0]);
        Assert.Equal(time, items[0].Time);
        Assert.Equal(IPAddress.Parse("2001:db8::7"), items[1].Address);
        Assert.Equal(new GatewayEvent(time, GatewayEventType.AdminAction), items[2]);
        using var connection = store.Open();
        Assert.Equal(["198.51.100.7", "2001:db8::7"], Column(connection, "SELECT address FROM events WHERE address IS NOT NULL ORDER BY id;"));
    }

    [Fact]
    public void Purge_deletes_only_what_is_older_than_the_cutoff_in_chunks()
    {
        using var store = new EventStore(_folder.File("events.db"), NullLogger<EventStore>.Instance);
        var cutoff = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        // Not noise, so a row each (noise from one source would be a row a minute).
        var old = Enumerable.Range(1, 25_000).Select(i => new GatewayEvent(cutoff.AddSeconds(-i), GatewayEventType.WindowOpened)).ToList();
        store.Insert(old);
        store.Insert([new GatewayEvent(cutoff, GatewayEventType.DroppedAttempt)]);

        Assert.Equal(25_000, store.PurgeBefore(cutoff));
        Assert.Equal(1, store.Count());
        var analytics = new EventAnalytics(store);
        Assert.Equal([new CountryCount("unknown", 1)], analytics.TopCountries(new DayRange(new DateOnly(2025, 1, 1), new DateOnly(2026, 12, 31))));
    }

    private static string? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar()?.ToString();
    }

    private static List<string> Column(SqliteConnection connection, string sql, int column = 0)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return EventAnalytics.Read(command, r => r.GetString(column));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }
}
