using Microsoft.Extensions.Options;
using WebKnock.Configuration;

namespace WebKnock.Webmail;

/// <summary>Runs the session sweep on the clock's timer, so idle sessions leave on time without a request.</summary>
internal sealed partial class SessionSweeper(WebmailSessions sessions, IOptions<WebKnockOptions> options, TimeProvider time, ILogger<SessionSweeper> logger) : IHostedService, IDisposable
{
    private ITimer? _timer;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var every = options.Value.Sessions.SweepInterval;
        _timer = time.CreateTimer(_ => _ = SweepAsync(), null, every, every);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _timer?.Dispose();

    private async Task SweepAsync()
    {
        try
        {
            await sessions.SweepAsync(CancellationToken.None);
        }
        catch (Exception ex)
        {
            SweepFailed(logger, ex);
        }
    }

    [LoggerMessage(3100, LogLevel.Error, "Session sweep failed")]
    private static partial void SweepFailed(ILogger logger, Exception exception);
}
