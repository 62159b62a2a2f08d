using System.Text.RegularExpressions;
using WebKnock.Webmail;

namespace WebKnock.Tests.Infrastructure;

/// <summary>
/// What a browser does against Roundcube, through the gateway: the login form with its token, the
/// request token it gets after login, the keep-alive its script sends, the sign-out link.
/// </summary>
internal sealed partial class RoundcubeBrowser(HttpClient http)
{
    public const string Base = RoundcubeUpstream.Path;

    public HttpClient Http => http;

    /// <summary>Roundcube's request token, from the redirect after login (the page script's <c>request_token</c>).</summary>
    public string? Token { get; private set; }

    /// <summary>The session cookie the login page set, before the login regenerated it.</summary>
    public string? PreLoginSessionId { get; private set; }

    /// <summary>The session cookie and auth cookie after login, as the browser now holds them.</summary>
    public string? SessionId { get; private set; }

    public string? Auth { get; private set; }

    /// <summary>Opens the login page, then posts the login form with its token; returns the answer to the post.</summary>
    public async Task<HttpResponseMessage> LoginAsync(string user, string password)
    {
        string formToken;
        using (var page = await http.NavigateAsync(Base))
        {
            PreLoginSessionId = SetCookies.LastValue(Values(page, "Set-Cookie"), "roundcube_sessid");
            var match = FormToken().Match(await page.TextAsync());
            Assert.True(match.Success, "the login page has no _token field");
            formToken = match.Groups[1].Value;
        }

        var request = new HttpRequestMessage(HttpMethod.Post, Base + "?_task=login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["_token"] = formToken,
                ["_task"] = "login",
                ["_action"] = "login",
                ["_timezone"] = "UTC",
                ["_url"] = "",
                ["_user"] = user,
                ["_pass"] = password,
            }),
        };
        request.Headers.Accept.ParseAdd("text/html");
        request.Headers.TryAddWithoutValidation("Sec-Fetch-Dest", "document");
        var response = await http.SendAsync(request);
        SessionId = SetCookies.LastValue(Values(response, "Set-Cookie"), "roundcube_sessid") ?? SessionId;
        Auth = SetCookies.LastValue(Values(response, "Set-Cookie"), "roundcube_sessauth") ?? Auth;
        if (response.Headers.Location is { } location && RequestToken().Match(location.OriginalString) is { Success: true } token)
        {
            Token = token.Groups[1].Value;
        }

        return response;
    }

    /// <summary>The mail view, as a top-level navigation.</summary>
    public Task<HttpResponseMessage> MailAsync(string acceptEncoding = "") => Navigate("?_task=mail&_mbox=INBOX", "document", acceptEncoding);

    /// <summary>A navigation to a Roundcube URL (query only), with Sec-Fetch-Dest and, optionally, Accept-Encoding.</summary>
    public Task<HttpResponseMessage> Navigate(string query, string dest = "document", string acceptEncoding = "")
    {
        var request = new HttpRequestMessage(HttpMethod.Get, Base + query);
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        request.Headers.TryAddWithoutValidation("Sec-Fetch-Dest", dest);
        if (acceptEncoding.Length > 0)
        {
            request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        }

        return http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    /// <summary>The sign-out link of the page, with the token, or (to try a forgery) without.</summary>
    public Task<HttpResponseMessage> SignOutAsync(bool withToken = true) =>
        Navigate(withToken ? $"?_task=logout&_token={Token}" : "?_task=logout");

    /// <summary>The page script's keep-alive: an AJAX GET answered with JSON.</summary>
    public Task<HttpResponseMessage> KeepAliveAsync() => Ajax("?_task=mail&_action=keep-alive&_remote=1&_unlock=0");

    public Task<HttpResponseMessage> Ajax(string query)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, Base + query);
        request.Headers.Accept.ParseAdd("application/json, text/javascript, */*; q=0.01");
        request.Headers.TryAddWithoutValidation("X-Requested-With", "XMLHttpRequest");
        request.Headers.TryAddWithoutValidation("X-Roundcube-Request", Token);
        request.Headers.TryAddWithoutValidation("Sec-Fetch-Dest", "empty");
        return http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    /// <summary>Signs this browser's session out on Roundcube itself, around the gateway (as if it expired there).</summary>
    public async Task EndSessionUpstreamAsync()
    {
        using var direct = RoundcubeUpstream.Direct();
        var request = new HttpRequestMessage(HttpMethod.Get, $"{Base}?_task=logout&_token={Token}");
        request.Headers.TryAddWithoutValidation("Cookie", $"roundcube_sessid={SessionId}; roundcube_sessauth={Auth}");
        using var response = await direct.SendAsync(request);
        Assert.Contains("roundcube_sessauth=-del-", string.Join("\n", Values(response, "Set-Cookie")));
    }

    private static string[] Values(HttpResponseMessage response, string header) =>
        response.Headers.TryGetValues(header, out var values) ? [.. values] : [];

    [GeneratedRegex("name=\"_token\" value=\"([^\"]+)\"")]
    private static partial Regex FormToken();

    [GeneratedRegex("[?&]_token=([^&]+)")]
    private static partial Regex RequestToken();
}
