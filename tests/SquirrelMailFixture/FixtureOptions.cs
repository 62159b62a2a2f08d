namespace SquirrelMailFixture;

/// <summary>Settings of the SquirrelMail fixture; the defaults match SquirrelMail 1.4.23 under PHP 8.2.</summary>
public sealed class FixtureOptions
{
    /// <summary>Accounts the fake IMAP server accepts: user name to password.</summary>
    public Dictionary<string, string> Users { get; init; } = new(StringComparer.Ordinal)
    {
        ["alice"] = "alice-pw",
        ["bob"] = "bob-pw",
    };

    /// <summary>PHP's <c>session.gc_maxlifetime</c>: a session idle this long is gone.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromSeconds(1440);

    /// <summary>Clock for session expiry; tests pass a fake one to move time.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>SquirrelMail's <c>$session_name</c>.</summary>
    public string SessionCookieName { get; set; } = "SQMSESSID";

    /// <summary>The base URI (also the cookie path); starts and ends with a slash.</summary>
    public string BasePath { get; set; } = "/squirrelmail/";

    /// <summary>Organisation name shown in page titles (non-ASCII on purpose: pages are iso-8859-1).</summary>
    public string OrgName { get; set; } = "Société Exemple";

    internal void Validate()
    {
        if (!BasePath.StartsWith('/') || !BasePath.EndsWith('/'))
        {
            throw new ArgumentException($"BasePath must start and end with '/': '{BasePath}'.", nameof(BasePath));
        }

        if (string.IsNullOrWhiteSpace(SessionCookieName))
        {
            throw new ArgumentException("SessionCookieName must not be empty.", nameof(SessionCookieName));
        }

        if (SessionLifetime <= TimeSpan.Zero)
        {
            throw new ArgumentException("SessionLifetime must be positive.", nameof(SessionLifetime));
        }
    }
}
