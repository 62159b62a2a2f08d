using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using WebKnock.Events;

namespace WebKnock.Knocking.Users;

/// <summary>
/// The knock users the gateway owns, in its SQLite database (the event store's file), managed from the admin UI and
/// <c>webknock users</c>. The table is created here (<c>CREATE TABLE IF NOT EXISTS</c>) rather than as an event-store
/// migration: the users are not events, and the gateway and the command line may each be the first to touch it.
/// <c>knock_users_version</c> counts changes, so that a running gateway notices what the command line did.
/// Secrets leave this class only inside <see cref="KnockUser"/>, whose ToString hides them.
/// </summary>
internal sealed class KnockUserStore(EventStore store)
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS knock_users (
            name          TEXT PRIMARY KEY,
            enabled       INTEGER NOT NULL,
            totp_secret   BLOB NOT NULL,
            spa_key       BLOB NOT NULL,
            spa_hmac_key  BLOB NOT NULL,
            other_address INTEGER NOT NULL DEFAULT 0,
            created       INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS knock_users_version (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL);
        INSERT OR IGNORE INTO knock_users_version VALUES (1, 0);
        """;

    private bool _created;

    /// <summary>A new user with fresh secrets: 20 bytes of TOTP (RFC 6238's SHA-1 length), fwknop's 32-byte key and 64-byte HMAC key.</summary>
    public static KnockUser NewUser(string name) =>
        new(name, true, RandomNumberGenerator.GetBytes(20), RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(64));

    /// <summary>Adds the user; false when the name is taken.</summary>
    public bool Add(KnockUser user, DateTimeOffset now)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT OR IGNORE INTO knock_users VALUES ($name, $enabled, $totp, $spa, $hmac, $other, $created);";
        command.Parameters.AddWithValue("$name", user.Name);
        command.Parameters.AddWithValue("$enabled", user.Enabled ? 1 : 0);
        command.Parameters.AddWithValue("$totp", user.TotpSecret);
        command.Parameters.AddWithValue("$spa", user.SpaKey);
        command.Parameters.AddWithValue("$hmac", user.SpaHmacKey);
        command.Parameters.AddWithValue("$other", user.MayRequestOtherAddress ? 1 : 0);
        command.Parameters.AddWithValue("$created", now.ToUnixTimeMilliseconds());
        var added = command.ExecuteNonQuery() == 1;
        if (added)
        {
            Bump(connection, transaction);
        }

        transaction.Commit();
        return added;
    }

    /// <summary>Enables or disables the user; false when there is no such user.</summary>
    public bool SetEnabled(string name, bool enabled) => Change("UPDATE knock_users SET enabled = $enabled WHERE name = $name;", name, ("$enabled", enabled ? 1 : 0));

    /// <summary>Removes the user; false when there is no such user.</summary>
    public bool Remove(string name) => Change("DELETE FROM knock_users WHERE name = $name;", name);

    /// <summary>Every stored user, by name.</summary>
    public IReadOnlyList<KnockUser> List()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name, enabled, totp_secret, spa_key, spa_hmac_key, other_address FROM knock_users ORDER BY name;";
        using var reader = command.ExecuteReader();
        var users = new List<KnockUser>();
        while (reader.Read())
        {
            users.Add(new KnockUser(reader.GetString(0), reader.GetInt64(1) != 0, (byte[])reader[2], (byte[])reader[3], (byte[])reader[4], reader.GetInt64(5) != 0));
        }

        return users;
    }

    /// <summary>How many changes the table has seen (any process).</summary>
    public long Version()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT version FROM knock_users_version WHERE id = 1;";
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private bool Change(string sql, string name, params (string Name, object Value)[] parameters)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.Parameters.AddWithValue("$name", name);
        foreach (var (parameter, value) in parameters)
        {
            command.Parameters.AddWithValue(parameter, value);
        }

        var changed = command.ExecuteNonQuery() == 1;
        if (changed)
        {
            Bump(connection, transaction);
        }

        transaction.Commit();
        return changed;
    }

    private static void Bump(SqliteConnection connection, SqliteTransaction transaction)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "UPDATE knock_users_version SET version = version + 1 WHERE id = 1;";
        command.ExecuteNonQuery();
    }

    private SqliteConnection Open()
    {
        var connection = store.Open();
        if (!Volatile.Read(ref _created))
        {
            using var command = connection.CreateCommand();
            command.CommandText = Schema;
            command.ExecuteNonQuery();
            Volatile.Write(ref _created, true);
        }

        return connection;
    }
}
