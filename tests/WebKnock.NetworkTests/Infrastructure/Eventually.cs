using System.Diagnostics;

namespace WebKnock.NetworkTests.Infrastructure;

/// <summary>Waits for a condition with a deadline instead of sleeping a fixed time.</summary>
public static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> until it holds; returns how long that took, or null at the deadline.</summary>
    public static async Task<TimeSpan?> WaitAsync(Func<Task<bool>> condition, TimeSpan timeout, TimeSpan? poll = null)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (await condition())
            {
                return watch.Elapsed;
            }

            if (watch.Elapsed >= timeout)
            {
                return null;
            }

            await Task.Delay(poll ?? TimeSpan.FromMilliseconds(100));
        }
    }

    public static Task<TimeSpan?> WaitAsync(Func<bool> condition, TimeSpan timeout, TimeSpan? poll = null)
        => WaitAsync(() => Task.FromResult(condition()), timeout, poll);
}
