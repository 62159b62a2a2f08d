using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using WebKnock.Tests.Infrastructure;

namespace WebKnock.Tests.Gateway;

public sealed class ExtendTests : IAsyncLifetime
{
    private const string Nat = "198.51.100.7";
    private GatewayHarness _gw = null!;

    public async Task InitializeAsync()
    {
        _gw = await GatewayHarness.StartAsync(new Dictionary<string, string?> { ["WebKnock:Webmail:MaxWindow"] = "00:45:00" });
        await _gw.KnockAsync(Nat);
    }

    public async Task DisposeAsync() => await _gw.DisposeAsync();

    private static async Task<HttpResponseMessage> ExtendAsync(HttpClient client, bool withToken = true)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/.webknock/extend");
        if (withToken)
        {
            var token = await client.GetFromJsonAsync<JsonElement>("/.webknock/token");
            request.Headers.Add(token.GetProperty("headerName").GetString()!, token.GetProperty("token").GetString());
        }

        return await client.SendAsync(request);
    }

    private static async Task<JsonElement> StatusAsync(HttpClient client) =>
        await client.GetFromJsonAsync<JsonElement>("/.webknock/status");

    [Fact]
    public async Task The_anti_forgery_cookie_is_secure_http_only_strict_and_on_the_gateways_path_like_the_admins()
    {
        using var response = await _gw.Client(Nat).GetAsync("/.webknock/token");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".webknock.af=", StringComparison.Ordinal));
        var attributes = cookie.Split("; ").Skip(1).Select(a => a.ToLowerInvariant()).ToList();
        Assert.Contains("secure", attributes);
        Assert.Contains("httponly", attributes);
        Assert.Contains("samesite=strict", attributes);
        Assert.Contains("path=/.webknock/", attributes);
    }

    [Fact]
    public async Task Without_a_token_it_is_a_bad_request()
    {
        var alice = _gw.Client(Nat);
        (await alice.LoginAsync("alice", "alice-pw")).Dispose();

        using var response = await ExtendAsync(alice, withToken: false);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Without_a_live_session_it_is_forbidden()
    {
        using var response = await ExtendAsync(_gw.Client(Nat));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    // Kernel twin: BrowserEndToEndTests.SquirrelMail_knock_page_login_banner_countdown_extend_attachments_and_sign_out_in_a_real_browser
    [Fact]
    public async Task With_both_the_deadline_moves_for_everybody_behind_the_address_up_to_the_maximum()
    {
        var alice = _gw.Client(Nat);
        var bob = _gw.Client(Nat);
        (await alice.LoginAsync("alice", "alice-pw")).Dispose();
        (await bob.LoginAsync("bob", "bob-pw")).Dispose();
        var before = await StatusAsync(bob);
        Assert.Equal(1800, before.GetProperty("remainingSeconds").GetInt32());
        Assert.Equal(2, before.GetProperty("sessions").GetInt32());

        _gw.Time.Advance(TimeSpan.FromMinutes(10));
        var extendedAt = _gw.Time.GetUtcNow();
        using (var extended = await ExtendAsync(alice))
        {
            Assert.Equal(HttpStatusCode.OK, extended.StatusCode);
        }

        var seenByBob = await StatusAsync(bob);
        Assert.True(seenByBob.GetProperty("open").GetBoolean());
        Assert.Equal(1800, seenByBob.GetProperty("remainingSeconds").GetInt32());
        Assert.Equal(extendedAt + TimeSpan.FromMinutes(30), seenByBob.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.True(seenByBob.GetProperty("expiresAt").GetDateTimeOffset() > before.GetProperty("expiresAt").GetDateTimeOffset());

        _gw.Time.Advance(TimeSpan.FromMinutes(10));
        (await ExtendAsync(bob)).Dispose();
        var capped = await StatusAsync(alice);
        Assert.Equal(25 * 60, capped.GetProperty("remainingSeconds").GetInt32()); // 45 min after opening
    }

    [Fact]
    public async Task Status_reports_the_callers_address_and_window()
    {
        var status = await StatusAsync(_gw.Client(Nat));

        Assert.Equal(Nat, status.GetProperty("address").GetString());
        Assert.True(status.GetProperty("open").GetBoolean());
        Assert.Equal(0, status.GetProperty("sessions").GetInt32());
    }
}
