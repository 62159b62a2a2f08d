using System.Security.Cryptography;

namespace SquirrelMailFixture;

/// <summary>A PHP session as the fixture keeps it: anonymous until a login succeeds.</summary>
public sealed record SessionInfo(string Id, string? User, DateTimeOffset Created, DateTimeOffset LastAccess);

/// <summary>One login attempt posted to redirect.php.</summary>
public sealed record LoginRecord(DateTimeOffset At, string User, bool Success, string? RemoteAddress, string? SessionId);

/// <summary>
/// The fixture's server-side state: PHP sessions (idle expiry after the configured lifetime, like
/// <c>session.gc_maxlifetime</c>, but strict instead of probabilistic), the login log and sign-outs.
/// Thread-safe.
/// </summary>
public sealed class SessionStore
{
    private const string IdAlphabet = "0123456789abcdefghijklmnopqrstuv"; // PHP sid_bits_per_character=5
    private const int IdLength = 26;

    private readonly object _gate = new();
    private readonly Dictionary<string, SessionInfo> _sessions = new(StringComparer.Ordinal);
    private readonly List<LoginRecord> _logins = [];
    private readonly TimeProvider _time;
    private readonly TimeSpan _lifetime;
    private int _signOuts;
    private int _created;

    public SessionStore(FixtureOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _time = options.TimeProvider;
        _lifetime = options.SessionLifetime;
    }

    /// <summary>Logged-in sessions that have not expired.</summary>
    public int LiveSessionCount => LiveSessions.Count;

    /// <summary>Snapshot of the logged-in sessions that have not expired.</summary>
    public IReadOnlyList<SessionInfo> LiveSessions
    {
        get
        {
            lock (_gate)
            {
                DateTimeOffset now = _time.GetUtcNow();
                return _sessions.Values.Where(s => s.User is not null && !IsExpired(s, now)).ToList();
            }
        }
    }

    /// <summary>Snapshot of every login attempt, oldest first.</summary>
    public IReadOnlyList<LoginRecord> Logins
    {
        get
        {
            lock (_gate)
            {
                return _logins.ToList();
            }
        }
    }

    /// <summary>Completed sign-outs (signout.php with a live session).</summary>
    public int SignOutCount => Volatile.Read(ref _signOuts);

    /// <summary>Starts a new anonymous session (login.php).</summary>
    public SessionInfo CreateAnonymous()
    {
        lock (_gate)
        {
            return AddNew(user: null);
        }
    }

    /// <summary>
    /// The session for a cookie value, refreshing its last access (PHP rewrites the session file on
    /// every request); null when missing, unknown or expired. An expired session is removed.
    /// </summary>
    public SessionInfo? Touch(string? id)
    {
        if (string.IsNullOrEmpty(id))
        {
            return null;
        }

        lock (_gate)
        {
            if (!_sessions.TryGetValue(id, out SessionInfo? session))
            {
                return null;
            }

            DateTimeOffset now = _time.GetUtcNow();
            if (IsExpired(session, now))
            {
                _sessions.Remove(id);
                return null;
            }

            session = session with { LastAccess = now };
            _sessions[id] = session;
            return session;
        }
    }

    /// <summary>Destroys a session; returns whether a live one was removed.</summary>
    public bool Destroy(string? id)
    {
        if (string.IsNullOrEmpty(id))
        {
            return false;
        }

        lock (_gate)
        {
            return _sessions.Remove(id, out SessionInfo? session) && !IsExpired(session, _time.GetUtcNow());
        }
    }

    /// <summary>A successful login: the old session (if any) goes, a new id carries the user.</summary>
    public SessionInfo LogIn(string? oldId, string user, string? remoteAddress)
    {
        lock (_gate)
        {
            if (!string.IsNullOrEmpty(oldId))
            {
                _sessions.Remove(oldId);
            }

            SessionInfo session = AddNew(user);
            _logins.Add(new LoginRecord(session.Created, user, true, remoteAddress, session.Id));
            return session;
        }
    }

    /// <summary>A failed login: the pre-login session is destroyed and the attempt logged.</summary>
    public void FailLogIn(string? oldId, string user, string? remoteAddress)
    {
        lock (_gate)
        {
            if (!string.IsNullOrEmpty(oldId))
            {
                _sessions.Remove(oldId);
            }

            _logins.Add(new LoginRecord(_time.GetUtcNow(), user, false, remoteAddress, null));
        }
    }

    /// <summary>Counts a completed sign-out.</summary>
    public void RecordSignOut() => Interlocked.Increment(ref _signOuts);

    private bool IsExpired(SessionInfo session, DateTimeOffset now) => now - session.LastAccess >= _lifetime;

    private void PurgeExpired(DateTimeOffset now)
    {
        foreach (SessionInfo expired in _sessions.Values.Where(s => IsExpired(s, now)).ToList())
        {
            _sessions.Remove(expired.Id);
        }
    }

    private SessionInfo AddNew(string? user)
    {
        DateTimeOffset now = _time.GetUtcNow();
        if (++_created % 1024 == 0)
        {
            PurgeExpired(now); // PHP's session GC, so long benchmarks do not grow without bound
        }

        string id;
        do
        {
            id = RandomNumberGenerator.GetString(IdAlphabet, IdLength);
        }
        while (_sessions.ContainsKey(id));

        var session = new SessionInfo(id, user, now, now);
        _sessions[id] = session;
        return session;
    }
}
