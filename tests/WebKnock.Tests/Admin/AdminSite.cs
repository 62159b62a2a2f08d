using System.Net;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Microsoft.Extensions.DependencyInjection;
using WebKnock.Admin;
using WebKnock.Events;
using WebKnock.Tests.Infrastructure;

namespace WebKnock.Tests.Admin;

/// <summary>The gateway with an administrator configured, and what a browser does on its admin pages.</summary>
internal static class AdminSite
{
    public const string Name = "root";
    public const string Password = "correct horse battery";

    /// <summary>A real hash, at the cheapest iteration count the gateway accepts (tests sign in often).</summary>
    public static readonly string Hash = AdminPasswordHash.Create(Password, AdminPasswordHash.MinIterations);

    public static Dictionary<string, string?> Settings(params (string Key, string? Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["WebKnock:Admin:Users:0:Name"] = Name,
            ["WebKnock:Admin:Users:0:PasswordHash"] = Hash,
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    public static Task<GatewayHarness> StartAsync(params (string Key, string? Value)[] extra) => GatewayHarness.StartAsync(Settings(extra));

    /// <summary>The stored events of a type in the order they were stored, once the writer has stored at least <paramref name="atLeast"/> of them.</summary>
    public static async Task<IReadOnlyList<GatewayEvent>> StoredAsync(this GatewayHarness gw, GatewayEventType type, int atLeast = 1)
    {
        var analytics = gw.Services.GetRequiredService<EventAnalytics>();
        IReadOnlyList<GatewayEvent> found = [];
        await Eventually.TrueAsync(() =>
        {
            found = [.. analytics.ListEvents(new EventQuery { Types = [type], PageSize = 1000 }).Items.OrderBy(e => e.Id).Select(e => e.Event)];
            return found.Count >= atLeast;
        });
        return found;
    }

    public static IHtmlDocument Parse(string html) => new HtmlParser().ParseDocument(html);
}

/// <summary>A browser on the admin pages: keeps its cookies, reads the anti-forgery token from the form it submits.</summary>
internal sealed class AdminClient(HttpClient http, string path = "/admin")
{
    public HttpClient Http => http;

    public async Task<(HttpResponseMessage Response, IHtmlDocument Page)> GetAsync(string relative = "/")
    {
        var response = await http.GetAsync(path + relative);
        var page = AdminSite.Parse(await response.Content.ReadAsStringAsync());
        return (response, page);
    }

    public async Task<HttpResponseMessage> SignInAsync(string name = AdminSite.Name, string password = AdminSite.Password, string query = "")
    {
        return await SubmitAsync("/sign-in" + query, AdminForms.SignIn, new() { [AdminForms.Name] = name, [AdminForms.Password] = password });
    }

    /// <summary>Opens the page, takes the named form's token, posts the form with the fields (or without its token).</summary>
    public async Task<HttpResponseMessage> SubmitAsync(string relative, string form, Dictionary<string, string> fields, bool withToken = true)
    {
        var (response, page) = await GetAsync(relative);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}{relative} answered {(int)response.StatusCode}");
        var handler = page.QuerySelectorAll("form input[name=_handler]").FirstOrDefault(i => i.GetAttribute("value") == form);
        Assert.True(handler is not null, $"no form named {form} on {path}{relative}");
        var values = new Dictionary<string, string>(fields) { ["_handler"] = form };
        if (withToken)
        {
            values["__RequestVerificationToken"] = handler.ParentElement!.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        }

        return await http.PostAsync(path + relative, new FormUrlEncodedContent(values));
    }

    /// <summary>Follows a redirect (the action's POST, redirect, GET) and returns the page.</summary>
    public async Task<IHtmlDocument> FollowAsync(HttpResponseMessage redirect)
    {
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        var response = await http.GetAsync(redirect.Headers.Location);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return AdminSite.Parse(await response.Content.ReadAsStringAsync());
    }
}
