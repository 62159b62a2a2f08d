using System.Net;
using Microsoft.Extensions.Options;
using WebKnock.Configuration;
using WebKnock.Events;
using WebKnock.Knocking;
using WebKnock.Windows;

namespace WebKnock.Webmail;

/// <summary>
/// Joins sessions to windows, NAT-safely: a window closes on a sign-out only when it was the last live
/// session of its address, and (as configured) when the last one idles out. A closed window forgets
/// its address's sessions.
/// </summary>
internal sealed partial class WebmailSessions
{
    private readonly SessionTracker _tracker;
    private readonly AccessWindowManager _windows;
    private readonly WebmailSessionOptions _options;
    private readonly ILogger<WebmailSessions> _logger;

    private readonly IEventRecorder? _recorder;
    private readonly TimeProvider _time;
    private readonly WebKnock.Operations.GatewayMetrics? _metrics;

    public WebmailSessions(
        SessionTracker tracker,
        AccessWindowManager windows,
        IOptions<WebKnockOptions> options,
        ILogger<WebmailSessions> logger,
        IEventRecorder? recorder = null,
        TimeProvider? time = null,
        WebKnock.Operations.GatewayMetrics? metrics = null)
    {
        _metrics = metrics;
        _recorder = recorder;
        _time = time ?? TimeProvider.System;
        _tracker = tracker;
        _windows = windows;
        _options = options.Value.Sessions;
        _logger = logger;
        _windows.Closed += closed =>
        {
            // Sessions stay while a network window still lets the address in.
            if (closed.Window.Service == ServiceNames.Webmail && !_windows.IsOpen(ServiceNames.Webmail, closed.Window.Address))
            {
                _tracker.RemoveAll(closed.Window.Address);
            }
        };
        _windows.NetworkClosed += closed =>
        {
            // The sessions of the network's addresses that nothing lets in any more.
            if (closed.Window.Service == ServiceNames.Webmail)
            {
                foreach (var address in _tracker.Addresses()
                    .Where(a => closed.Window.Network.Contains(a) && !_windows.IsOpen(ServiceNames.Webmail, a)))
                {
                    _tracker.RemoveAll(address);
                }
            }
        };
    }

    public SessionTracker Tracker => _tracker;

    public void LoginSucceeded(IPAddress address, string sessionId, string? userName)
    {
        _recorder?.Record(GatewayEvents.Login(true, ServiceNames.Webmail, address, userName, _time.GetUtcNow()));
        _metrics?.Login(ServiceNames.Webmail, succeeded: true);
        if (_tracker.Add(sessionId, address, userName))
        {
            LoginOk(_logger, userName, address);
        }
        else
        {
            NotTracked(address);
        }
    }

    public void LoginFailed(IPAddress address, string? userName)
    {
        _recorder?.Record(GatewayEvents.Login(false, ServiceNames.Webmail, address, userName, _time.GetUtcNow()));
        _metrics?.Login(ServiceNames.Webmail, succeeded: false);
        LoginBad(_logger, userName, address);
    }

    /// <summary>A failed login posted from another site's page: neither recorded nor counted, only logged.</summary>
    public void ForeignLoginFailed(IPAddress address, string? userName) => ForeignLoginBad(_logger, userName, address);

    /// <summary>
    /// Ends a signed-out session. When it was its address's last, returns that address, whose window must close: the
    /// address the session lives at, which need not be the one the sign-out came from (a user whose address changed,
    /// a cookie carried elsewhere). Null otherwise.
    /// </summary>
    public IPAddress? SignedOut(string sessionId)
    {
        var (session, remaining) = _tracker.Remove(sessionId);
        if (session is null)
        {
            return null;
        }

        SignOut(_logger, session.UserName, session.Address, remaining);
        _recorder?.Record(GatewayEvents.SignedOut(ServiceNames.Webmail, session.Address, session.UserName, _time.GetUtcNow()));
        return remaining == 0 ? session.Address : null;
    }

    public void SessionEnded(string sessionId)
    {
        var (session, remaining) = _tracker.Remove(sessionId);
        if (session is not null)
        {
            Ended(_logger, session.UserName, session.Address, remaining);
        }
    }

    /// <summary>
    /// The upstream said the session is gone although nobody signed out (PHP's session expired, Roundcube's
    /// <c>session_error</c>): it leaves like an idle session. Returns its address when it was the address's last and
    /// the idle policy closes the window then (<see cref="CloseAfterLastExpiryAsync"/>); null otherwise.
    /// </summary>
    public IPAddress? SessionExpired(string sessionId)
    {
        var (session, remaining) = _tracker.Remove(sessionId);
        if (session is null)
        {
            return null;
        }

        ExpiredUpstream(_logger, session.UserName, session.Address, remaining);
        return remaining == 0 && _options.OnLastSessionIdle == LastSessionIdlePolicy.CloseWindow ? session.Address : null;
    }

    /// <summary>True when the session is the only live one of the address (its sign-out closes the window).</summary>
    public bool IsLastLiveSession(string sessionId, IPAddress address)
    {
        var live = _tracker.ForAddress(address);
        return live.Count == 1 && live[0].Id == sessionId;
    }

    public Task CloseAfterLastExpiryAsync(IPAddress address) =>
        _windows.CloseAsync(ServiceNames.Webmail, address, WindowReason.LastSessionIdle, CancellationToken.None);

    /// <summary>
    /// A request with the session cookie was answered as logged in: keep it alive; or, when the answer proves a
    /// logged-in session (a page only such a session gets) and the address has a window, adopt it (the gateway
    /// restarted since its login). A made-up cookie on a page that proves nothing is never a session.
    /// </summary>
    public void SessionAlive(IPAddress address, string sessionId, bool proven)
    {
        if (_tracker.Touch(sessionId) || !proven || !_windows.IsOpen(ServiceNames.Webmail, address))
        {
            return;
        }

        if (_tracker.Add(sessionId, address, null))
        {
            Adopted(_logger, address);
        }
        else
        {
            NotTracked(address);
        }
    }

    private void NotTracked(IPAddress address)
    {
        if (_tracker.Count >= _options.MaxSessions)
        {
            TooManySessionsInAll(_logger, address, _options.MaxSessions);
        }
        else
        {
            TooManySessions(_logger, address, _options.MaxSessionsPerAddress);
        }
    }

    public Task CloseAfterLastSignOutAsync(IPAddress address) =>
        _windows.CloseAsync(ServiceNames.Webmail, address, WindowReason.LastSignOut, CancellationToken.None);

    /// <summary>Drives the idle expiry; closes windows whose last session idled out when so configured.</summary>
    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        var expired = _tracker.Sweep();
        foreach (var session in expired)
        {
            IdledOut(_logger, session.UserName, session.Address);
        }

        if (_options.OnLastSessionIdle != LastSessionIdlePolicy.CloseWindow)
        {
            return;
        }

        foreach (var address in expired.Select(s => s.Address).Distinct())
        {
            if (_tracker.ForAddress(address).Count == 0)
            {
                await _windows.CloseAsync(ServiceNames.Webmail, address, WindowReason.LastSessionIdle, cancellationToken);
            }
        }
    }

    [LoggerMessage(3000, LogLevel.Information, "Webmail login of {User} from {Address} succeeded")]
    private static partial void LoginOk(ILogger logger, string? user, IPAddress address);

    [LoggerMessage(3001, LogLevel.Warning, "Webmail login of {User} from {Address} failed")]
    private static partial void LoginBad(ILogger logger, string? user, IPAddress address);

    [LoggerMessage(9500, LogLevel.Information, "Webmail login of {User} from {Address} failed, posted from another site's page: not counted as a failed login")]
    private static partial void ForeignLoginBad(ILogger logger, string? user, IPAddress address);

    [LoggerMessage(9501, LogLevel.Warning, "The gateway tracks {Max} webmail sessions already (WebKnock:Sessions:MaxSessions); a new one from {Address} is not tracked")]
    private static partial void TooManySessionsInAll(ILogger logger, IPAddress address, int max);

    [LoggerMessage(3002, LogLevel.Information, "Webmail sign-out of {User} from {Address}; {Remaining} live sessions left there")]
    private static partial void SignOut(ILogger logger, string? user, IPAddress address, int remaining);

    [LoggerMessage(3003, LogLevel.Information, "Webmail session of {User} from {Address} ended upstream; {Remaining} live sessions left there")]
    private static partial void Ended(ILogger logger, string? user, IPAddress address, int remaining);

    [LoggerMessage(3004, LogLevel.Information, "Webmail session of {User} from {Address} idled out")]
    private static partial void IdledOut(ILogger logger, string? user, IPAddress address);

    [LoggerMessage(3005, LogLevel.Information, "Adopted a live webmail session from {Address} (known upstream, not to this process)")]
    private static partial void Adopted(ILogger logger, IPAddress address);

    [LoggerMessage(9600, LogLevel.Information, "Webmail session of {User} from {Address} expired upstream (treated as idle); {Remaining} live sessions left there")]
    private static partial void ExpiredUpstream(ILogger logger, string? user, IPAddress address, int remaining);

    [LoggerMessage(3006, LogLevel.Warning, "Address {Address} has {Max} webmail sessions already; a new one is not tracked")]
    private static partial void TooManySessions(ILogger logger, IPAddress address, int max);
}
