using Microsoft.Data.Sqlite;

namespace WebKnock.Events;

/// <summary>
/// The store's tables, by version: migration N brings a file from <c>user_version</c> N-1 to N, each in
/// its own transaction. Append new migrations; never edit one that has shipped.
/// </summary>
internal static class EventSchema
{
    /// <summary>
    /// The <c>events</c> table: one row per <see cref="GatewayEvent"/>, times in Unix milliseconds (UTC); <c>n</c>
    /// (version 2) is how many occurrences the row stands for, more than one for noise aggregated per source and minute.
    /// The charts read daily counts that <see cref="DailyCounts"/> keeps in the transaction of each insert:
    /// per type, day (UTC day number since the epoch), service and port; and per type, day and country.
    /// A chart over a year then reads hundreds of rows, not the hundreds of thousands of events behind them.
    /// </summary>
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE events (
            id        INTEGER PRIMARY KEY,
            at        INTEGER NOT NULL,
            type      INTEGER NOT NULL,
            service   TEXT,
            address   TEXT,
            port      INTEGER,
            user_name TEXT,
            detail    TEXT,
            country   TEXT
        );
        CREATE INDEX ix_events_type_at ON events(type, at);
        CREATE INDEX ix_events_at ON events(at);
        CREATE INDEX ix_events_address_at ON events(address, at) WHERE address IS NOT NULL;
        CREATE INDEX ix_events_user_at ON events(user_name, at) WHERE user_name IS NOT NULL;

        CREATE TABLE daily_ports (
            type    INTEGER NOT NULL,
            day     INTEGER NOT NULL,
            service TEXT NOT NULL,
            port    INTEGER NOT NULL,
            n       INTEGER NOT NULL,
            PRIMARY KEY (type, day, service, port)
        ) WITHOUT ROWID;
        CREATE TABLE daily_countries (
            type    INTEGER NOT NULL,
            day     INTEGER NOT NULL,
            country TEXT NOT NULL,
            n       INTEGER NOT NULL,
            PRIMARY KEY (type, day, country)
        ) WITHOUT ROWID;
        """,
        """
        ALTER TABLE events ADD COLUMN n INTEGER NOT NULL DEFAULT 1;
        """,

        // Version 3: the window events (opened 6, extended 7, closed 8) by address, service and time, for the charts'
        // sign-ins through a knock user's window (the latest window event of the login's address before the login).
        // Partial, so the noise rows cost it nothing; the query repeats the type list literally to use it.
        """
        CREATE INDEX ix_events_windows ON events(address, service, at) WHERE type IN (6, 7, 8);
        """,
    ];

    public static int LatestVersion => Migrations.Length;

    /// <summary>Brings the database up to <see cref="LatestVersion"/> (tests: up to <paramref name="target"/>); returns the version it found.</summary>
    public static int Migrate(SqliteConnection connection, string path, int? target = null)
    {
        var found = UserVersion(connection);
        if (found > LatestVersion)
        {
            throw new InvalidOperationException(
                $"The event store {path} has schema version {found}, newer than this WebKnock knows ({LatestVersion}). " +
                "Use the newer WebKnock, or move the file away (WebKnock:Events:Path).");
        }

        for (var version = found + 1; version <= Math.Min(target ?? LatestVersion, LatestVersion); version++)
        {
            using var transaction = connection.BeginTransaction();
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = Migrations[version - 1] + $"\nPRAGMA user_version = {version};";
            command.ExecuteNonQuery();
            transaction.Commit();
        }

        return found;
    }

    public static int UserVersion(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version;";
        return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
