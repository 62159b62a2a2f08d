using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using WebKnock.Admin;
using Xunit.Abstractions;

namespace WebKnock.NetworkTests.Infrastructure;

/// <summary>
/// An administrator's browser on the gateway's admin pages, made of curl runs in a client's namespace with one cookie
/// jar: pages are fetched, and forms are posted as a browser posts them (the page first, then the form's
/// <c>_handler</c>, its anti-forgery token and the fields). Redirects are not followed, so a POST's answer is seen.
/// </summary>
public sealed partial class AdminBrowser(GatewayScenario gw, TestNetwork.Client client, ITestOutputHelper output, string basePath = "/admin")
{
    private readonly string _jar = Path.Combine(gw.Directory, $"admin-{Guid.NewGuid():N}.txt");

    /// <summary>An answer: the status (0 when there was none), the Location of a redirect (absolute), the body.</summary>
    public sealed record Response(int Status, string? Location, string Body);

    /// <summary>GET of a page under the admin path (<c>/users</c>: <c>/admin/users</c>).</summary>
    public Task<Response> GetAsync(string page) => CurlAsync(page, null);

    /// <summary>The sign-in form with the name and password; a 302 means signed in.</summary>
    public Task<Response> SignInAsync(string name, string password)
        => SubmitAsync("/sign-in", AdminForms.SignIn, [$"{AdminForms.Name}={name}", $"{AdminForms.Password}={password}"]);

    /// <summary>
    /// Gets <paramref name="page"/>, takes the anti-forgery token of its form <paramref name="form"/>, and posts the
    /// form there with the fields (<c>name=value</c>). Without <paramref name="withToken"/> the token is left out (the
    /// page is still fetched, so the anti-forgery cookie is in the jar, as a forging site's request would carry it).
    /// </summary>
    public async Task<Response> SubmitAsync(string page, string form, IReadOnlyList<string> fields, bool withToken = true)
    {
        var got = await GetAsync(page);
        Assert.True(got.Status == 200, $"GET {basePath}{page}: {got.Status}\n{gw.Diagnostics}");
        var token = FormToken(got.Body, form);
        Assert.True(token is not null, $"no form {form} with a token on {basePath}{page}\n{got.Body}");
        List<string> posted = [$"_handler={form}", .. fields];
        if (withToken)
        {
            posted.Insert(1, $"__RequestVerificationToken={token}");
        }

        var answer = await CurlAsync(page, posted);
        var shown = fields.Where(f => !f.StartsWith(AdminForms.Password + "=", StringComparison.Ordinal));
        output.WriteLine($"[{client.V4}] POST {basePath}{page} {form}{(withToken ? "" : " (no token)")} {string.Join(' ', shown)} -> {answer.Status} {answer.Location}");
        return answer;
    }

    /// <summary>The anti-forgery token inside the form whose <c>_handler</c> is <paramref name="form"/>; null when none.</summary>
    public static string? FormToken(string html, string form)
    {
        foreach (var chunk in html.Split("<form", StringSplitOptions.None).Skip(1))
        {
            var body = chunk[..Math.Max(0, chunk.IndexOf("</form>", StringComparison.Ordinal))];
            var inputs = Input().Matches(body).Select(m => m.Value).ToList();
            if (!inputs.Any(i => i.Contains("name=\"_handler\"", StringComparison.Ordinal) && i.Contains($"value=\"{form}\"", StringComparison.Ordinal)))
            {
                continue;
            }

            var token = inputs.FirstOrDefault(i => i.Contains("name=\"__RequestVerificationToken\"", StringComparison.Ordinal));
            return token is null ? null : WebUtility.HtmlDecode(Value().Match(token).Groups[1].Value);
        }

        return null;
    }

    private async Task<Response> CurlAsync(string page, IReadOnlyList<string>? form)
    {
        List<string> args = ["curl", "-sk", "-g", "--max-time", "10", "-H", "Accept: text/html", "-b", _jar, "-c", _jar, "-o", "-", "-w", "\n%{http_code} %{redirect_url}"];
        foreach (var field in form ?? [])
        {
            args.AddRange(["--data-urlencode", field]);
        }

        args.Add(GatewayScenario.Url(basePath + page));
        var result = await client.Namespace.TryExecAsync([.. args]);
        var cut = result.Output.LastIndexOf('\n');
        var last = result.Output[(cut + 1)..].Trim().Split(' ', 2);
        var status = int.TryParse(last[0], NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 0;
        var location = last.Length > 1 && last[1].Length > 0 ? last[1] : null;
        return new Response(status, location, cut > 0 ? result.Output[..cut] : "");
    }

    [GeneratedRegex("<input[^>]*>")]
    private static partial Regex Input();

    [GeneratedRegex("value=\"([^\"]*)\"")]
    private static partial Regex Value();
}
