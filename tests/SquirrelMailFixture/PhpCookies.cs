using System.Globalization;

namespace SquirrelMailFixture;

/// <summary>
/// Set-Cookie headers as PHP and SquirrelMail's <c>sqsetcookie()</c> write them: one header line
/// each, in order, duplicates kept, formatted by hand rather than by ASP.NET's cookie API.
/// </summary>
internal sealed class PhpCookies(HttpResponse response, FixtureOptions options)
{
    /// <summary>The value SquirrelMail writes into cookies it deletes.</summary>
    public const string Trash = "SQMTRASH";

    private const string Epoch = "Thu, 01 Jan 1970 00:00:00 GMT";

    private string SessionName => options.SessionCookieName;

    /// <summary>PHP's own session cookie (session_start / session_regenerate_id), then SquirrelMail's.</summary>
    public void SessionTwice(string id)
    {
        Append($"{SessionName}={id}; path={options.BasePath}");
        SquirrelMail(SessionName, id);
    }

    /// <summary>A cookie through sqsetcookie(): HttpOnly and SameSite=Strict.</summary>
    public void SquirrelMail(string name, string value, DateTimeOffset? expires = null)
    {
        string expiry = expires is { } at
            ? "; expires=" + at.UtcDateTime.ToString("ddd, dd MMM yyyy HH:mm:ss", CultureInfo.InvariantCulture) + " GMT"
            : string.Empty;
        Append($"{name}={Uri.EscapeDataString(value)}{expiry}; path={options.BasePath}; HttpOnly; SameSite=Strict");
    }

    /// <summary>sqsession_destroy(): the cookie gets SQMTRASH and an expiry in 1970.</summary>
    public void Delete(string name) =>
        Append($"{name}={Trash}; expires={Epoch}; path={options.BasePath}; HttpOnly; SameSite=Strict");

    /// <summary>Deletes the session cookie.</summary>
    public void DeleteSession() => Delete(SessionName);

    private void Append(string header) => response.Headers.Append("Set-Cookie", header);
}
