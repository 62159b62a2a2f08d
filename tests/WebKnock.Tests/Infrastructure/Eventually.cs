namespace WebKnock.Tests.Infrastructure;

/// <summary>Waits, boundedly, for something that happens after a response completes (not for time to pass).</summary>
internal static class Eventually
{
    public static async Task<bool> TrueAsync(Func<bool> condition, int timeoutMs = 5000)
    {
        var until = Environment.TickCount64 + timeoutMs;
        while (!condition())
        {
            if (Environment.TickCount64 > until)
            {
                return false;
            }

            await Task.Delay(10);
        }

        return true;
    }
}
