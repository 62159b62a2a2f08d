namespace WebKnock.Admin;

/// <summary>
/// The <c>WebKnock:Admin</c> section: the administrator's pages, who may sign in to them, and from where.
/// With no <see cref="Users"/> the pages are off: the path answers 404.
/// </summary>
public sealed class AdminOptions
{
    public const string SectionName = "WebKnock:Admin";

    /// <summary>Where the pages live, for example <c>/admin</c> (no trailing slash).</summary>
    public string Path { get; set; } = "/admin";

    /// <summary>The administrators. Empty (the default): the pages are off.</summary>
    public AdminUser[] Users { get; set; } = [];

    /// <summary>
    /// Networks (CIDR) the pages are served to. Empty: any address that passes the gate (an open window, an
    /// always-allowed network). When set, only these addresses get the pages at all (others get 404), and they
    /// reach the pages (and only the pages) without an open window.
    /// </summary>
    public string[] Networks { get; set; } = [];

    /// <summary>
    /// Failed sign-ins, per source (an IPv4 address or an IPv6 /64) and per user name from that source, before either
    /// is locked out (from that source only: a name is never locked everywhere).
    /// </summary>
    public int MaxFailedSignIns { get; set; } = 5;

    /// <summary>How long a lockout lasts, and how far back failures are counted.</summary>
    public TimeSpan Lockout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Most password checks (PBKDF2) running at once; a sign-in beyond them is answered at once as busy, neither
    /// checked nor counted as a failure.
    /// </summary>
    public int MaxConcurrentVerifications { get; set; } = 2;

    /// <summary>A session without a request for this long ends (sliding).</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Whether any administrator is configured, so the pages are served.</summary>
    public bool Enabled => Users.Length > 0;
}

/// <summary>One administrator: a name and the hash <c>webknock hash-password</c> printed for the password.</summary>
public sealed class AdminUser
{
    public string Name { get; set; } = "";

    /// <summary><c>pbkdf2-sha256$ITERATIONS$SALT$HASH</c> (base64), as <c>webknock hash-password</c> prints it.</summary>
    public string PasswordHash { get; set; } = "";
}
