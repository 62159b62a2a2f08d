using System.Net;
using Microsoft.Extensions.Options;
using WebKnock.Events;

namespace WebKnock.Admin;

/// <summary>The outcome of a sign-in: the administrator's configured name, or why not.</summary>
internal sealed record SignInOutcome(string? Administrator, DateTimeOffset? LockedUntil, bool Busy = false)
{
    public bool Succeeded => Administrator is not null;
}

/// <summary>
/// Checks an administrator's name and password against the configured hashes, behind the lockout. Every
/// attempt is logged (never the password) and recorded as a login of the service <c>admin</c>: as
/// LoginSucceeded/LoginFailed rather than AdminAction, so that the events page and the login charts show
/// them beside the webmail's and SSH's logins, by user and by address; AdminAction is kept for what a
/// signed-in administrator does to windows and blocks. At most <see cref="AdminOptions.MaxConcurrentVerifications"/>
/// password checks (PBKDF2, hundreds of thousands of iterations each) run at once; an attempt beyond them is answered
/// at once as busy, neither checked nor counted as a failure, so a flood of sign-ins cannot take every core.
/// </summary>
internal sealed partial class AdminSignIn : IDisposable
{
    public const string Service = "admin";

    private readonly Dictionary<string, (string Name, AdminPasswordHash Hash)> _users = new(StringComparer.OrdinalIgnoreCase);
    private readonly AdminPasswordHash _decoy;
    private readonly SignInLockout _lockout;
    private readonly IEventRecorder _recorder;
    private readonly TimeProvider _time;
    private readonly ILogger<AdminSignIn> _logger;
    private readonly SemaphoreSlim _verifications;

    public AdminSignIn(IOptions<AdminOptions> options, SignInLockout lockout, IEventRecorder recorder, TimeProvider time, ILogger<AdminSignIn> logger)
    {
        foreach (var user in options.Value.Users)
        {
            if (AdminPasswordHash.TryParse(user.PasswordHash, out var hash, out _))
            {
                _users[user.Name] = (user.Name, hash!);
            }
        }

        // An unknown name costs the same PBKDF2 work as a known one, so timing does not tell names apart.
        var iterations = _users.Values.Select(u => u.Hash.Iterations).DefaultIfEmpty(AdminPasswordHash.MinIterations).First();
        AdminPasswordHash.TryParse(AdminPasswordHash.Create(Guid.NewGuid().ToString(), iterations), out var decoy, out _);
        _decoy = decoy!;
        _lockout = lockout;
        _recorder = recorder;
        _time = time;
        _logger = logger;
        _verifications = new SemaphoreSlim(Math.Max(1, options.Value.MaxConcurrentVerifications));
    }

    public SignInOutcome Check(string? name, string? password, IPAddress address)
    {
        name = (name ?? "").Trim();
        password ??= "";
        var now = _time.GetUtcNow();
        if (name.Length == 0 || name.Length > 256)
        {
            return new SignInOutcome(null, null); // nothing to count: a form sent empty
        }

        if (_lockout.LockedUntil(name, address) is { } locked)
        {
            // Checked before the password: a locked name or address learns nothing, and costs no PBKDF2 work.
            SignInLocked(_logger, name, address, locked);
            _recorder.Record(GatewayEvents.Login(false, Service, address, name, now, "locked out"));
            return new SignInOutcome(null, locked);
        }

        if (!_verifications.Wait(TimeSpan.Zero))
        {
            SignInBusy(_logger, name, address);
            return new SignInOutcome(null, null, Busy: true);
        }

        var known = _users.TryGetValue(name, out var user);
        bool matches;
        try
        {
            matches = (known ? user.Hash : _decoy).Verify(password) && known;
        }
        finally
        {
            _verifications.Release();
        }

        if (matches)
        {
            _lockout.Succeeded(name, address);
            SignInSucceeded(_logger, user.Name, address);
            _recorder.Record(GatewayEvents.Login(true, Service, address, user.Name, now));
            return new SignInOutcome(user.Name, null);
        }

        var until = _lockout.Failed(name, address);
        var why = known ? "wrong password" : "unknown user";
        SignInFailed(_logger, name, address, why);
        _recorder.Record(GatewayEvents.Login(false, Service, address, name, now, why));
        if (until is { } startedLock)
        {
            SignInLockStarted(_logger, name, address, startedLock);
        }

        return new SignInOutcome(null, until);
    }

    /// <summary>Records a sign-out.</summary>
    public void SignedOut(string administrator, IPAddress address)
    {
        SignOutLog(_logger, administrator, address);
        _recorder.Record(GatewayEvents.SignedOut(Service, address, administrator, _time.GetUtcNow()));
    }

    public void Dispose() => _verifications.Dispose();

    [LoggerMessage(9201, LogLevel.Warning, "Administrator sign-in as {User} from {Address} refused unchecked: every password check is busy (WebKnock:Admin:MaxConcurrentVerifications)")]
    private static partial void SignInBusy(ILogger logger, string user, IPAddress address);

    [LoggerMessage(8500, LogLevel.Information, "Administrator {User} signed in from {Address}")]
    private static partial void SignInSucceeded(ILogger logger, string user, IPAddress address);

    [LoggerMessage(8501, LogLevel.Warning, "Administrator sign-in as {User} from {Address} failed: {Reason}")]
    private static partial void SignInFailed(ILogger logger, string user, IPAddress address, string reason);

    [LoggerMessage(8502, LogLevel.Warning, "Administrator sign-ins as {User} or from {Address} are locked out until {LockedUntil}")]
    private static partial void SignInLockStarted(ILogger logger, string user, IPAddress address, DateTimeOffset lockedUntil);

    [LoggerMessage(8503, LogLevel.Warning, "Administrator sign-in as {User} from {Address} refused: locked out until {LockedUntil}")]
    private static partial void SignInLocked(ILogger logger, string user, IPAddress address, DateTimeOffset lockedUntil);

    [LoggerMessage(8504, LogLevel.Information, "Administrator {User} signed out from {Address}")]
    private static partial void SignOutLog(ILogger logger, string user, IPAddress address);
}
