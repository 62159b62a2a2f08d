using System.Net;
using Bunit;
using WebKnock.Admin.Now;
using WebKnock.Admin;
using WebKnock.Admin.Users;
using WebKnock.Knocking.Totp;

namespace WebKnock.Tests.Admin;

/// <summary>The knock users' components from known data (bUnit).</summary>
public sealed class KnockUserComponentsTests : BunitContext
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_user_table_offers_changes_only_for_stored_users()
    {
        var cut = Render<KnockUserTable>(p => p.Add(t => t.Users, [new KnockUserRow("alice", true, false, 2), new KnockUserRow("bob", false, false, 0), new KnockUserRow("carol", true, true, 0)]));

        var alice = cut.Find("tr[data-knock-user='alice']");
        Assert.Equal("2", alice.QuerySelector(".windows")!.TextContent);
        Assert.Equal("users/alice", alice.QuerySelector(".name a")!.GetAttribute("href"));
        Assert.Equal("charts?user=alice", alice.QuerySelector(".name a.user-charts")!.GetAttribute("href"));
        Assert.Equal("events?user=alice", alice.QuerySelector(".name a.user-events")!.GetAttribute("href"));
        Assert.Equal("alice", alice.QuerySelector("button.disable")!.GetAttribute("value"));
        Assert.Equal(AdminForms.Id(KnockUserForms.Disable), alice.QuerySelector("button.disable")!.GetAttribute("form"));
        Assert.NotNull(cut.Find("tr[data-knock-user='bob'] button.enable"));
        Assert.Null(cut.Find("tr[data-knock-user='bob']").QuerySelector("button.disable"));
        Assert.Empty(cut.Find("tr[data-knock-user='carol']").QuerySelectorAll("button"));
        Assert.Equal("configuration", cut.Find("tr[data-knock-user='carol'] .source").TextContent);
    }

    [Fact]
    public void No_users_says_so()
        => Assert.NotNull(Render<KnockUserTable>(p => p.Add(t => t.Users, [])).Find("#no-knock-users"));

    [Fact]
    public void Replays_and_the_credential_policy_are_listed()
    {
        var replay = new TotpMatch(TotpOutcome.Replay, "webmail", IPAddress.Parse("203.0.113.9"), "alice", 60_000_000, IPAddress.Parse("198.51.100.7"), Now - TimeSpan.FromMinutes(1));
        var cut = Render<CredentialReplays>(p => p
            .Add(t => t.Replays, [replay])
            .Add(t => t.Policies, ["webmail: a credential opens the knocker's /24 (IPv4) or /64 (IPv6)"])
            .Add(t => t.Now, Now));

        Assert.Equal("203.0.113.9", cut.Find("#replays .address").TextContent);
        Assert.Equal("alice", cut.Find("#replays .knock-user").TextContent);
        Assert.Equal("events?user=alice", cut.Find("#replays a.user-events").GetAttribute("href"));
        Assert.Equal("198.51.100.7", cut.Find("#replays .first").TextContent);
        Assert.Contains("/24", cut.Find("#credential-policies").TextContent);
    }

    [Fact]
    public void Nothing_is_shown_without_a_TOTP_service()
        => Assert.Empty(Render<CredentialReplays>(p => p.Add(t => t.Replays, []).Add(t => t.Policies, []).Add(t => t.Now, Now)).Markup.Trim());
}
