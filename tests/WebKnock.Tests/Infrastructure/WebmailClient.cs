using System.Net.Http.Headers;

namespace WebKnock.Tests.Infrastructure;

/// <summary>What a browser does against SquirrelMail, through the gateway.</summary>
internal static class WebmailClient
{
    public const string Base = "/squirrelmail/src/";

    public static Task<HttpResponseMessage> NavigateAsync(this HttpClient client, string path, string dest = "document")
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        request.Headers.TryAddWithoutValidation("Sec-Fetch-Dest", dest);
        // Headers first: a buffered body would get a Content-Length the server never sent.
        return client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    public static async Task<HttpResponseMessage> LoginAsync(this HttpClient client, string user, string password)
    {
        (await client.NavigateAsync(Base + "login.php")).Dispose();
        var request = new HttpRequestMessage(HttpMethod.Post, Base + "redirect.php")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["login_username"] = user,
                ["secretkey"] = password,
                ["js_autodetect_results"] = "1",
                ["just_logged_in"] = "1",
            }),
        };
        request.Headers.Accept.ParseAdd("text/html");
        return await client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> SignOutAsync(this HttpClient client) => client.NavigateAsync(Base + "signout.php");

    /// <summary>
    /// Whether the gateway refused the request: the connection was aborted or reset without an answer. A request that
    /// times out is not a refusal (a hung gateway must not pass for a refusing one): it throws, unless the test says
    /// with <paramref name="timeoutIsRefusal"/> that silence is what it expects.
    /// </summary>
    public static async Task<bool> IsRefusedAsync(this HttpClient client, string path = "/squirrelmail/src/login.php", bool timeoutIsRefusal = false)
    {
        try
        {
            using var response = await client.NavigateAsync(path);
            return false;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return true;
        }
        catch (OperationCanceledException ex) when (ex.InnerException is not TimeoutException)
        {
            return true; // the in-process test server reports an aborted request this way ("The application aborted the request")
        }
        catch (OperationCanceledException) when (timeoutIsRefusal)
        {
            return true;
        }
        catch (OperationCanceledException ex)
        {
            throw new TimeoutException($"{path}: no answer and no refusal before the client's timeout; a timeout is not a refusal", ex);
        }
    }

    public static async Task<string> TextAsync(this HttpResponseMessage response)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync();
        return System.Text.Encoding.Latin1.GetString(bytes);
    }

    public static int Count(this string text, string what)
    {
        var n = 0;
        for (var i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + what.Length, StringComparison.Ordinal))
        {
            n++;
        }

        return n;
    }

    public static MediaTypeHeaderValue? Type(this HttpResponseMessage response) => response.Content.Headers.ContentType;
}
