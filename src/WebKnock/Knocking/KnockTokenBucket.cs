namespace WebKnock.Knocking;

/// <summary>
/// A per-source token bucket, as the kernel's <c>limit rate over N/second burst B packets</c> keeps one: refilled at the
/// rate, never above the burst. The in-memory detector and the TOTP matcher keep one per source.
/// </summary>
internal abstract class KnockTokenBucket
{
    public double Tokens;
    public DateTimeOffset LastRefill;

    /// <summary>Takes one token, refilling first for the time since the last refill; false when none is left.</summary>
    public bool TryTakeToken(DateTimeOffset now, int ratePerSecond, int capacity)
    {
        var elapsed = (now - LastRefill).TotalSeconds;
        if (elapsed > 0)
        {
            Tokens = Math.Min(capacity, Tokens + elapsed * ratePerSecond);
            LastRefill = now;
        }

        if (Tokens < 1)
        {
            return false;
        }

        Tokens -= 1;
        return true;
    }
}
