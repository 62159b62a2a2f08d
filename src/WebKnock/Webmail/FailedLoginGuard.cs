using System.Net;
using Microsoft.Extensions.Options;
using WebKnock.Configuration;
using WebKnock.Events;
using WebKnock.Knocking;
using WebKnock.Windows;

namespace WebKnock.Webmail;

/// <summary>
/// fail2ban's jail for the webmail, with the real client address (the gate's, never the proxy's): at
/// <c>WebKnock:Sessions:FailedLogins:MaxFailures</c> failed logins from one address within <c>FindTime</c>, its
/// windows close (which cuts its connections, unlike a fail2ban ban) and the firewall blocks it for <c>BlockTime</c>.
/// An address in <c>WebKnock:Network:AlwaysAllowed</c> is never blocked (the firewall lets it in first anyway).
/// </summary>
internal sealed partial class FailedLoginGuard(
    AccessWindowManager windows,
    IOptions<WebKnockOptions> options,
    TimeProvider time,
    ILogger<FailedLoginGuard> logger,
    IEventRecorder? recorder = null,
    WebKnock.Operations.GatewayMetrics? metrics = null)
{
    /// <summary>Addresses with failures remembered at most; past it the oldest are forgotten first.</summary>
    public const int MaxTracked = 65536;

    private readonly FailedLoginOptions _options = options.Value.Sessions.FailedLogins;
    private readonly NetworkList _alwaysAllowed = NetworkList.Parse(options.Value.Network.AlwaysAllowed);
    private readonly Dictionary<IPAddress, Queue<DateTimeOffset>> _failures = [];
    private readonly Lock _lock = new();

    /// <summary>Addresses with failures remembered now.</summary>
    public int Tracked
    {
        get
        {
            lock (_lock)
            {
                return _failures.Count;
            }
        }
    }

    /// <summary>Counts a failed login; at the limit closes the address's windows and blocks it. True when it blocked.</summary>
    public async Task<bool> FailedAsync(IPAddress address, CancellationToken cancellationToken)
    {
        if (_options.MaxFailures == 0)
        {
            return false;
        }

        address = NetworkList.Normalize(address);
        var now = time.GetUtcNow();
        int count;
        lock (_lock)
        {
            if (!_failures.TryGetValue(address, out var times))
            {
                Forget(now);
                times = new Queue<DateTimeOffset>();
                _failures[address] = times;
            }

            while (times.Count > 0 && now - times.Peek() >= _options.FindTime)
            {
                times.Dequeue();
            }

            times.Enqueue(now);
            count = times.Count;
            if (count >= _options.MaxFailures)
            {
                _failures.Remove(address); // counted afresh once the block is over
            }
        }

        if (count < _options.MaxFailures)
        {
            return false;
        }

        if (_alwaysAllowed.Contains(address))
        {
            NotBlocked(logger, address, count, _options.FindTime);
            return false;
        }

        Blocking(logger, address, count, _options.FindTime, _options.BlockTime);
        await windows.BlockAsync(address, _options.BlockTime, cancellationToken);
        metrics?.FailedLoginBlock();
        recorder?.Record(GatewayEvents.Blocked(true, address, now, ServiceNames.Webmail,
            $"{count} failed logins within {_options.FindTime.TotalMinutes:0.#} min, blocked {_options.BlockTime.TotalMinutes:0.#} min"));
        return true;
    }

    /// <summary>Drops the addresses whose failures are all older than FindTime; then, while still full, the oldest.</summary>
    private void Forget(DateTimeOffset now)
    {
        if (_failures.Count < MaxTracked)
        {
            return;
        }

        foreach (var (address, times) in _failures.ToList())
        {
            if (times.Count == 0 || now - times.Last() >= _options.FindTime)
            {
                _failures.Remove(address);
            }
        }

        foreach (var (address, _) in _failures.OrderBy(f => f.Value.Last()).Take(_failures.Count - MaxTracked + 1).ToList())
        {
            _failures.Remove(address);
        }
    }

    [LoggerMessage(2300, LogLevel.Warning, "{Failures} failed webmail logins from {Address} within {FindTime}: closing its windows and blocking it for {BlockTime}")]
    private static partial void Blocking(ILogger logger, IPAddress address, int failures, TimeSpan findTime, TimeSpan blockTime);

    [LoggerMessage(2301, LogLevel.Warning, "{Failures} failed webmail logins from {Address} within {FindTime}; not blocked: it is in WebKnock:Network:AlwaysAllowed")]
    private static partial void NotBlocked(ILogger logger, IPAddress address, int failures, TimeSpan findTime);
}
