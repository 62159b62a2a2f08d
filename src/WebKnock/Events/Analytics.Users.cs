using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using WebKnock.Windows;

namespace WebKnock.Events;

/// <summary>
/// The charts of knock users: what each user's credential opened, the replays recorded against it, the sign-ins made
/// through the user's windows. The user of an event is its <c>user_name</c>, as the events page filters it; window
/// events carry the knock user whose credential opened the window (kept when a plain knock or an extension moves it).
/// Every query reads one period through an index and returns a bounded number of rows (a cap on the users, a list of
/// chosen names, or days times a few series).
/// </summary>
internal sealed partial class EventAnalytics
{
    /// <summary>The most users <see cref="UserActivity"/> lists, whatever the caller asks.</summary>
    public const int MaxUsersListed = 200;

    private const long DayMs = 86_400_000L;

    // The event types as SQL literals: a partial index is used only when the query repeats its condition literally.
    private static readonly string Opened = Literal(GatewayEventType.WindowOpened);
    private static readonly string Extended = Literal(GatewayEventType.WindowExtended);
    private static readonly string WindowTypes = $"{Opened}, {Extended}, {Literal(GatewayEventType.WindowClosed)}";
    private static readonly string ReplayTypes = $"{Literal(GatewayEventType.KnockReplay)}, {Literal(GatewayEventType.SpaRefused)}";
    private static readonly string LoginTypes = $"{Literal(GatewayEventType.LoginSucceeded)}, {Literal(GatewayEventType.LoginFailed)}";

    // How a window event says what moved it: the reason, then (network windows) the network.
    private static readonly string ByTotp = ReasonIs(WindowReason.TotpKnock);
    private static readonly string BySpa = ReasonIs(WindowReason.SpaKnock);
    private static readonly string ByPlainReknock = $"(type = {Extended} AND {ReasonIs(WindowReason.Reknock)})";

    /// <summary>A window event that a user's knock caused: a TOTP or SPA open (new window or re-open), or a plain knock on the user's window.</summary>
    private static readonly string IsOpen = $"(type IN ({Opened}, {Extended}) AND ({ByTotp} OR {BySpa} OR {ByPlainReknock}))";

    /// <summary>
    /// Per knock user, in the period: windows opened, opens by TOTP, by SPA and by a plain knock re-using the user's
    /// window, and replays (a used TOTP step's sequence again, an SPA packet's digest again). The <paramref name="cap"/>
    /// users with the most opens (then replays, then by name); <see cref="UserActivityList.TotalUsers"/> counts them all.
    /// </summary>
    public UserActivityList UserActivity(DayRange range, int cap, string? user = null, string? service = null)
    {
        using var connection = store.Open();
        using var command = connection.CreateCommand();
        var filters = UserFilters(command, user, service);
        command.CommandText =
            $"""
            SELECT user_name,
                   SUM(CASE WHEN type = {Opened} THEN n ELSE 0 END),
                   SUM(CASE WHEN type IN ({Opened}, {Extended}) AND {ByTotp} THEN n ELSE 0 END) AS totp,
                   SUM(CASE WHEN type IN ({Opened}, {Extended}) AND {BySpa} THEN n ELSE 0 END) AS spa,
                   SUM(CASE WHEN {ByPlainReknock} THEN n ELSE 0 END) AS plain,
                   SUM(CASE WHEN type IN ({ReplayTypes}) THEN n ELSE 0 END) AS replays,
                   COUNT(*) OVER ()
            FROM events
            WHERE type IN ({Opened}, {Extended}, {ReplayTypes}) AND at >= $from AND at < $to AND user_name IS NOT NULL
              AND (type <> {Literal(GatewayEventType.SpaRefused)} OR detail = 'replay'){filters}
            GROUP BY user_name
            ORDER BY totp + spa + plain DESC, replays DESC, user_name
            LIMIT $cap;
            """;
        Period(command, range);
        command.Parameters.AddWithValue("$cap", Math.Clamp(cap, 1, MaxUsersListed));
        var total = 0;
        var rows = Read(command, r =>
        {
            total = r.GetInt32(6);
            return new UserActivity(r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5));
        });
        return new UserActivityList(rows, total);
    }

    /// <summary>
    /// Sign-ins (succeeded, failed) of the period made through a window of one of <paramref name="users"/>: a login from
    /// an address whose latest window event for that service, at or before the login, opened or moved a window of the
    /// user (a window closed in between, or opened without a credential, attributes it to nobody). Only address windows:
    /// a login through a network window is not attributed.
    /// </summary>
    public IReadOnlyDictionary<string, (long Succeeded, long Failed)> SignInsThroughWindows(DayRange range, IReadOnlyCollection<string> users, string? service = null)
    {
        if (users.Count == 0)
        {
            return new Dictionary<string, (long, long)>();
        }

        using var connection = store.Open();
        using var command = connection.CreateCommand();
        var names = Names(command, users);
        command.CommandText =
            $"""
            SELECT w.user_name,
                   SUM(CASE WHEN l.type = {Literal(GatewayEventType.LoginSucceeded)} THEN l.n ELSE 0 END),
                   SUM(CASE WHEN l.type = {Literal(GatewayEventType.LoginFailed)} THEN l.n ELSE 0 END)
            FROM events AS l
            JOIN events AS w ON w.id = (
                SELECT x.id FROM events AS x
                WHERE x.address = l.address AND x.service = l.service AND x.type IN ({WindowTypes}) AND x.at <= l.at
                ORDER BY x.at DESC, x.id DESC
                LIMIT 1)
            WHERE l.type IN ({LoginTypes}) AND l.at >= $from AND l.at < $to{(service is null ? "" : " AND l.service = $service")}
              AND w.type IN ({Opened}, {Extended}) AND w.user_name IN ({names})
            GROUP BY w.user_name;
            """;
        Period(command, range);
        if (service is not null)
        {
            command.Parameters.AddWithValue("$service", service);
        }

        return Read(command, r => (User: r.GetString(0), Succeeded: r.GetInt64(1), Failed: r.GetInt64(2)))
            .ToDictionary(r => r.User, r => (r.Succeeded, r.Failed), StringComparer.Ordinal);
    }

    /// <summary>
    /// Opens (as in <see cref="UserActivity"/>) per day, one series per user of <paramref name="shown"/> and the rest
    /// together under the name "" (others): at most days times (shown + 1) rows, whatever the number of users.
    /// </summary>
    public IReadOnlyList<UserDayCount> OpensPerDay(DayRange range, IReadOnlyCollection<string> shown, string? user = null, string? service = null)
    {
        using var connection = store.Open();
        using var command = connection.CreateCommand();
        var names = Names(command, shown);
        var filters = UserFilters(command, user, service);
        command.CommandText =
            $"""
            SELECT at / {DayMs} AS day, CASE WHEN user_name IN ({names}) THEN user_name ELSE '' END AS who, SUM(n)
            FROM events
            WHERE type IN ({Opened}, {Extended}) AND at >= $from AND at < $to AND user_name IS NOT NULL AND {IsOpen}{filters}
            GROUP BY day, who
            ORDER BY day, who;
            """;
        Period(command, range);
        return Read(command, r => new UserDayCount(DayRange.DayOf(r.GetInt64(0)), r.GetString(1), r.GetInt64(2)));
    }

    /// <summary>The <paramref name="count"/> countries the user's opens came from, most first ("unknown" when not looked up).</summary>
    public IReadOnlyList<CountryCount> TopCountriesOfUser(DayRange range, string user, int count = 5, string? service = null)
    {
        using var connection = store.Open();
        using var command = connection.CreateCommand();
        var filters = UserFilters(command, user, service);
        command.CommandText =
            $"""
            SELECT COALESCE(country, 'unknown') AS c, SUM(n) AS total
            FROM events
            WHERE type IN ({Opened}, {Extended}) AND at >= $from AND at < $to AND {IsOpen}{filters}
            GROUP BY c
            ORDER BY total DESC, c
            LIMIT $count;
            """;
        Period(command, range);
        command.Parameters.AddWithValue("$count", Math.Max(count, 0));
        return Read(command, r => new CountryCount(r.GetString(0), r.GetInt64(1)));
    }

    /// <summary>The user's completed and failed knock sequences per day (<see cref="KnocksPerDay"/> for one user: TOTP knocks).</summary>
    public IReadOnlyList<KnockDayCount> KnocksPerDayOfUser(DayRange range, string user, string? service = null)
    {
        using var connection = store.Open();
        using var command = connection.CreateCommand();
        var completed = Literal(GatewayEventType.KnockCompleted);
        var failed = Literal(GatewayEventType.KnockFailed);
        var filters = UserFilters(command, user, service);
        command.CommandText =
            $"""
            SELECT at / {DayMs} AS day, SUM(CASE WHEN type = {completed} THEN n ELSE 0 END), SUM(CASE WHEN type = {failed} THEN n ELSE 0 END)
            FROM events
            WHERE type IN ({completed}, {failed}) AND at >= $from AND at < $to{filters}
            GROUP BY day
            ORDER BY day;
            """;
        Period(command, range);
        return Read(command, r => new KnockDayCount(DayRange.DayOf(r.GetInt64(0)), r.GetInt64(1), r.GetInt64(2)));
    }

    private static void Period(SqliteCommand command, DayRange range)
    {
        command.Parameters.AddWithValue("$from", range.StartMs);
        command.Parameters.AddWithValue("$to", range.EndMs);
    }

    private static string UserFilters(SqliteCommand command, string? user, string? service)
    {
        var sql = ServiceFilter(command, service);
        if (user is not null)
        {
            command.Parameters.AddWithValue("$user", user);
            sql += " AND user_name = $user";
        }

        return sql;
    }

    /// <summary>The names as parameters <c>$u0, $u1...</c> for an IN list (SQLite takes an empty one).</summary>
    private static string Names(SqliteCommand command, IReadOnlyCollection<string> names)
    {
        var list = new StringBuilder();
        var i = 0;
        foreach (var name in names.Distinct(StringComparer.Ordinal))
        {
            var parameter = "$u" + i.ToString(CultureInfo.InvariantCulture);
            i++;
            list.Append(list.Length == 0 ? parameter : ", " + parameter);
            command.Parameters.AddWithValue(parameter, name);
        }

        return list.ToString();
    }

    private static string Literal(GatewayEventType type) => ((int)type).ToString(CultureInfo.InvariantCulture);

    private static string ReasonIs(WindowReason reason) => $"(detail = '{reason}' OR detail LIKE '{reason} %')";
}
