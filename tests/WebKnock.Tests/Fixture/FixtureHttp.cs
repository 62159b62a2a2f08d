using System.Net;
using SquirrelMailFixture;

namespace WebKnock.Tests.Fixture;

/// <summary>A raw HTTP client for the SquirrelMail fixture: no redirects, no cookie jar, no decompression.</summary>
internal sealed class FixtureHttp(RunningFixture fixture) : IDisposable
{
    private readonly HttpClient _client = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
    })
    {
        BaseAddress = fixture.BaseUri,
    };

    public string SessionCookieName => fixture.Options.SessionCookieName;

    public Task<HttpResponseMessage> GetAsync(string path, string? sessionId = null) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, path), sessionId);

    public Task<HttpResponseMessage> PostLoginAsync(string user, string password, string? sessionId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/squirrelmail/src/redirect.php")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["login_username"] = user,
                ["secretkey"] = password,
                ["js_autodetect_results"] = "1",
                ["just_logged_in"] = "1",
            }),
        };
        return SendAsync(request, sessionId);
    }

    /// <summary>Opens the login page, logs in, and returns the regenerated session id.</summary>
    public async Task<string> LogInAsync(string user = "alice", string password = "alice-pw")
    {
        using HttpResponseMessage loginPage = await GetAsync("/squirrelmail/src/login.php");
        string preLogin = SessionIds(loginPage).First();
        using HttpResponseMessage response = await PostLoginAsync(user, password, preLogin);
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        return SessionIds(response).First();
    }

    /// <summary>Every Set-Cookie header line, in order.</summary>
    public static IReadOnlyList<string> SetCookies(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out IEnumerable<string>? values) ? values.ToList() : [];

    /// <summary>Values of the session cookie in the Set-Cookie lines, in order.</summary>
    public IReadOnlyList<string> SessionIds(HttpResponseMessage response) =>
        SetCookies(response)
            .Where(c => c.StartsWith(SessionCookieName + "=", StringComparison.Ordinal))
            .Select(c => c[(SessionCookieName.Length + 1)..].Split(';')[0])
            .ToList();

    public void Dispose() => _client.Dispose();

    private Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, string? sessionId)
    {
        if (sessionId is not null)
        {
            request.Headers.Add("Cookie", $"{SessionCookieName}={sessionId}");
        }

        // Headers only: a buffered body would make HttpClient compute a Content-Length the server never
        // sent. Check Content.Headers.ContentLength before reading the body, for the same reason.
        return _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }
}
