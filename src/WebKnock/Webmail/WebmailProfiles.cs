namespace WebKnock.Webmail;

/// <summary>The profiles WebKnock knows, by the name used in <c>WebKnock:Upstream:Profile</c>.</summary>
internal static class WebmailProfiles
{
    public static IReadOnlyList<string> Names { get; } = ["SquirrelMail", "Roundcube"];

    public static IWebmailProfile Create(string name, string sessionCookie) => name.ToLowerInvariant() switch
    {
        "squirrelmail" => new SquirrelMailProfile(sessionCookie),
        "roundcube" => new RoundcubeProfile(sessionCookie),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown webmail profile."),
    };
}
