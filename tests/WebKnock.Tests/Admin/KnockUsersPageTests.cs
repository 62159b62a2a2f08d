using System.Net;
using Microsoft.Extensions.DependencyInjection;
using WebKnock.Admin;
using WebKnock.Admin.Users;
using WebKnock.Events;
using WebKnock.Knocking;
using WebKnock.Knocking.Totp;
using WebKnock.Knocking.Users;
using WebKnock.Tests.Infrastructure;

namespace WebKnock.Tests.Admin;

/// <summary>
/// The knock users' admin pages over the whole gateway (in-memory backend): add, enrolment, a TOTP knock through the
/// in-memory sensor that opens for the user, disable closing the user's window, remove; each audited.
/// </summary>
public sealed class KnockUsersPageTests : IAsyncLifetime
{
    private const string Admin = "198.51.100.110";
    private const string Phone = "198.51.100.120";
    private const string Replayer = "203.0.113.9";
    private GatewayHarness _gw = null!;
    private AdminClient _admin = null!;

    public async Task InitializeAsync()
    {
        _gw = await AdminSite.StartAsync(
            ("WebKnock:Webmail:Knock:Totp:Enabled", "true"),
            ("WebKnock:Webmail:Knock:Totp:KnockPage", "https://mail.example.org/knock.html"),
            ("WebKnock:Knock:Users:0:Name", "carol"),
            ("WebKnock:Knock:Users:0:TotpSecret", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"));
        await _gw.KnockAsync(Admin);
        _admin = new AdminClient(_gw.Client(Admin));
        (await _admin.SignInAsync()).Dispose();
    }

    public async Task DisposeAsync() => await _gw.DisposeAsync();

    [Fact]
    public async Task Add_enrol_knock_disable_remove()
    {
        using (var added = await _admin.SubmitAsync("/users", KnockUserForms.Add, new() { [AdminForms.Name] = "alice" }))
        {
            Assert.Equal(HttpStatusCode.Found, added.StatusCode); // POST, redirect, GET
        }

        var (_, list) = await _admin.GetAsync("/users");
        Assert.Equal("database", list.QuerySelector("tr[data-knock-user='alice'] .source")!.TextContent);
        Assert.Equal("configuration", list.QuerySelector("tr[data-knock-user='carol'] .source")!.TextContent);
        Assert.Empty(list.QuerySelectorAll("tr[data-knock-user='carol'] button"));

        var (response, enrol) = await _admin.GetAsync("/users/alice");
        Assert.Contains("no-store", response.Headers.CacheControl!.ToString());
        var link = enrol.QuerySelector("#enrolment-link")!.TextContent;
        Assert.StartsWith("https://mail.example.org/knock.html#enrol=alice:", link);
        Assert.Contains("&pool=20000-29999&n=3", link);
        Assert.NotNull(enrol.QuerySelector("#enrolment-qr svg"));
        var stanza = enrol.QuerySelector("#fwknoprc-stanza")!.TextContent;
        Assert.Matches(@"SPOOF_USER\s+alice\n", stanza);
        Assert.Contains("KEY_BASE64", stanza);
        Assert.Contains("HMAC_KEY_BASE64", stanza);
        Assert.Contains("USE_HMAC", stanza);

        // The user knocks with the current sequence; the window is theirs. The same SYNs from elsewhere are a replay.
        var alice = _gw.Services.GetRequiredService<IKnockUsers>().Find("alice")!;
        var totp = _gw.Services.GetRequiredService<TotpKnocks>();
        var sequence = totp.Matchers["webmail"].Sequence(alice, TotpCode.Counter(_gw.Time.GetUtcNow()));
        await _gw.KnockAsync(Phone, sequence);
        Assert.Equal("alice", _gw.Windows.Get("webmail", IPAddress.Parse(Phone))!.User);
        await _gw.KnockAsync(Replayer, sequence);
        Assert.False(_gw.IsOpen(Replayer));
        Assert.Single(totp.Replays);
        var (_, now) = await _admin.GetAsync("/");
        Assert.Equal("alice", now.QuerySelector($"tr[data-window='webmail {Phone}'] .knock-user")!.TextContent);
        Assert.Equal(Replayer, now.QuerySelector("#replays .replay .address")!.TextContent);
        var replay = Assert.Single(await _gw.StoredAsync(GatewayEventType.KnockReplay));
        Assert.Equal("alice", replay.User);

        (await _admin.SubmitAsync("/users", KnockUserForms.Disable, new() { [AdminForms.Name] = "alice" })).Dispose();
        Assert.False(_gw.IsOpen(Phone));
        var closed = await _gw.StoredAsync(GatewayEventType.WindowClosed);
        Assert.Contains(closed, e => e.User == "alice" && e.Detail == "UserDisabled");

        // Disabled: the next step's sequence opens nothing.
        _gw.Time.Advance(TimeSpan.FromSeconds(30));
        await _gw.KnockAsync(Phone, totp.Matchers["webmail"].Sequence(alice, TotpCode.Counter(_gw.Time.GetUtcNow())));
        Assert.False(_gw.IsOpen(Phone));

        (await _admin.SubmitAsync("/users", KnockUserForms.Remove, new() { [AdminForms.Name] = "alice" })).Dispose();
        Assert.Null(_gw.Services.GetRequiredService<IKnockUsers>().Find("alice"));
        var audit = await _gw.StoredAsync(GatewayEventType.AdminAction, 4);
        Assert.Equal(
            ["knock user add alice", "knock user show enrolment alice", "knock user disable alice", "knock user remove alice"],
            audit.Select(e => e.Detail).Where(d => d!.StartsWith("knock user", StringComparison.Ordinal)));
        Assert.All(audit, e => Assert.DoesNotContain(Base32.Encode(alice.TotpSecret), e.Detail));
    }

    [Fact]
    public async Task Configured_users_cannot_be_changed_and_forms_need_their_token()
    {
        using var refused = await _admin.SubmitAsync("/users", KnockUserForms.Disable, new() { [AdminForms.Name] = "carol" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        using var forged = await _admin.SubmitAsync("/users", KnockUserForms.Add, new() { [AdminForms.Name] = "mallory" }, withToken: false);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Null(_gw.Services.GetRequiredService<IKnockUsers>().Find("mallory"));
    }
}
