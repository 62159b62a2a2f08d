namespace WebKnock.Configuration;

public sealed class UpstreamOptions
{
    /// <summary>Which webmail runs upstream: <c>SquirrelMail</c> or <c>Roundcube</c>.</summary>
    public string Profile { get; set; } = "SquirrelMail";

    /// <summary>Base address of the webmail application, for example http://127.0.0.1:8080/.</summary>
    public string Url { get; set; } = "http://127.0.0.1:8080/";

    /// <summary>Name of the webmail's session cookie; empty means the profile's default.</summary>
    public string SessionCookie { get; set; } = "";
}

public sealed class WebmailSessionOptions
{
    /// <summary>
    /// A webmail session with no request for this long is no longer live. 00:00:00 (the default) takes
    /// the webmail's own: 24 minutes for SquirrelMail (PHP's 1440 s), 10 for Roundcube.
    /// </summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.Zero;

    /// <summary>What happens when the last live session of an address idles out.</summary>
    public LastSessionIdlePolicy OnLastSessionIdle { get; set; } = LastSessionIdlePolicy.CloseWindow;

    /// <summary>How often idle sessions are looked for.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Most webmail sessions tracked per address (a bound against abuse).</summary>
    public int MaxSessionsPerAddress { get; set; } = 256;

    /// <summary>Most webmail sessions tracked in all (a bound on memory against many addresses).</summary>
    public int MaxSessions { get; set; } = 100_000;

    /// <summary>What too many failed webmail logins from one address bring (fail2ban's jail, with the real address).</summary>
    public FailedLoginOptions FailedLogins { get; set; } = new();
}

public sealed class FailedLoginOptions
{
    /// <summary>
    /// This many failed logins from one address within <see cref="FindTime"/> close its windows and block it
    /// (0: never). Default 10: fail2ban's 5 doubled, since colleagues behind one NAT address share the count.
    /// </summary>
    public int MaxFailures { get; set; } = 10;

    /// <summary>The span in which <see cref="MaxFailures"/> failures count (fail2ban's findtime).</summary>
    public TimeSpan FindTime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long the address is then blocked from everything WebKnock guards (fail2ban's bantime).</summary>
    public TimeSpan BlockTime { get; set; } = TimeSpan.FromMinutes(30);
}

public enum LastSessionIdlePolicy
{
    /// <summary>Close the window at once: nobody behind the address is using the webmail.</summary>
    CloseWindow,

    /// <summary>Leave the window open until its deadline.</summary>
    KeepUntilDeadline,
}

public sealed class BannerOptions
{
    /// <summary>The banner switches to its warning look when this little time is left.</summary>
    public TimeSpan WarnBefore { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the banner asks the gateway for the deadline.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(30);
}
