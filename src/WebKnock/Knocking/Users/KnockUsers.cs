using Microsoft.Extensions.Options;
using WebKnock.Windows;

namespace WebKnock.Knocking.Users;

/// <summary>
/// The gateway's knock users: the configured ones (<c>WebKnock:Knock:Users</c>, read-only here) and the stored ones
/// (<see cref="KnockUserStore"/>), as one list kept in memory (the TOTP matcher reads it for every SYN to its range).
/// Changes made here (the admin UI) take effect at once; changes made by <c>webknock users</c> in another process are
/// picked up by <see cref="Refresh"/> (every 2 s, <see cref="KnockUserWatcher"/>). A user who is disabled or removed,
/// here or there, has every window closed (<see cref="AccessWindowManager.CloseUserAsync"/>; the close path cuts the
/// connections).
/// </summary>
internal sealed partial class KnockUsers : IKnockUsers
{
    private readonly ConfiguredKnockUsers _configured;
    private readonly KnockUserStore _store;
    private readonly AccessWindowManager _windows;
    private readonly TimeProvider _time;
    private readonly ILogger<KnockUsers> _logger;
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile KnockUser[] _all;
    private long _version = -1;

    public KnockUsers(IOptions<KnockUsersOptions> options, KnockUserStore store, AccessWindowManager windows, TimeProvider time, ILogger<KnockUsers> logger)
    {
        _configured = new ConfiguredKnockUsers(options);
        _store = store;
        _windows = windows;
        _time = time;
        _logger = logger;
        _all = [.. _configured.List()];
    }

    public KnockUser? Find(string name) => Array.Find(_all, u => string.Equals(u.Name, name, StringComparison.Ordinal));

    /// <summary>The same array instance until something changes (the matcher rebuilds its table when it changes).</summary>
    public IReadOnlyList<KnockUser> List() => _all;

    /// <summary>Whether the user comes from the configuration (read-only in the admin UI and the command line).</summary>
    public bool IsConfigured(string name) => _configured.Find(name) is not null;

    /// <summary>Adds a stored user with fresh secrets; null when the name is invalid or taken (configured or stored).</summary>
    public async Task<KnockUser?> AddAsync(string name, CancellationToken cancellationToken)
    {
        if (!KnockUserNames.IsValid(name) || IsConfigured(name))
        {
            return null;
        }

        var user = KnockUserStore.NewUser(name);
        if (!_store.Add(user, _time.GetUtcNow()))
        {
            return null;
        }

        await RefreshAsync(cancellationToken);
        return user;
    }

    /// <summary>Disables (or enables) a stored user; disabling closes the user's windows. False: no such stored user.</summary>
    public async Task<bool> SetEnabledAsync(string name, bool enabled, CancellationToken cancellationToken)
    {
        if (IsConfigured(name) || !_store.SetEnabled(name, enabled))
        {
            return false;
        }

        await RefreshAsync(cancellationToken);
        return true;
    }

    /// <summary>Removes a stored user and closes the user's windows. False: no such stored user.</summary>
    public async Task<bool> RemoveAsync(string name, CancellationToken cancellationToken)
    {
        if (IsConfigured(name) || !_store.Remove(name))
        {
            return false;
        }

        await RefreshAsync(cancellationToken);
        return true;
    }

    /// <summary>Reads the store again when it changed; closes the windows of users who are no longer enabled.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _refresh.WaitAsync(cancellationToken);
        try
        {
            var version = _store.Version();
            if (version == Interlocked.Read(ref _version))
            {
                return;
            }

            var stored = _store.List().Where(u => !IsConfigured(u.Name));
            var before = _all;
            _all = [.. _configured.List(), .. stored];
            Interlocked.Exchange(ref _version, version);

            foreach (var gone in before.Where(u => u.Enabled).Select(u => u.Name).Where(n => Find(n) is not { Enabled: true }))
            {
                var closed = await _windows.CloseUserAsync(gone, cancellationToken);
                UserClosedLog(_logger, gone, closed);
            }
        }
        finally
        {
            _refresh.Release();
        }
    }

    [LoggerMessage(9410, LogLevel.Information, "Knock user {User} is disabled or removed: {Closed} window(s) closed")]
    private static partial void UserClosedLog(ILogger logger, string user, int closed);
}

/// <summary>Picks up what <c>webknock users</c> changed in the database while the gateway runs, every 2 s.</summary>
internal sealed partial class KnockUserWatcher(KnockUsers users, TimeProvider time, ILogger<KnockUserWatcher> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await users.RefreshAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                RefreshFailed(logger, e);
            }

            try
            {
                await Task.Delay(Interval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(9411, LogLevel.Error, "Reading the knock users from the database failed; the last list stays in force")]
    private static partial void RefreshFailed(ILogger logger, Exception exception);
}
