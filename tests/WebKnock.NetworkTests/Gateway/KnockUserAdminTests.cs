using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using WebKnock.Admin;
using WebKnock.Admin.Users;
using WebKnock.Events;
using WebKnock.Knocking.Totp;
using WebKnock.Knocking.Users;
using WebKnock.NetworkTests.Infrastructure;
using Xunit.Abstractions;
using static WebKnock.NetworkTests.Infrastructure.GatewayScenario;

namespace WebKnock.NetworkTests.Gateway;

/// <summary>
/// Knock users managed on the admin pages of the whole gateway (nftables backend), over HTTPS from the administrators'
/// workstation: users added there knock with TOTP from their own clients; disabling one (or removing one) on the Users
/// page, as the browser posts the form, closes that user's window in the kernel and cuts its connections, and leaves
/// the other user's alone.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed partial class KnockUserAdminTests(ITestOutputHelper output)
{
    private const string AdminName = "root";
    private const string AdminPassword = "correct horse battery";
    private static readonly string Server4 = TestNetwork.ServerV4.ToString();

    [NetworkFact]
    public async Task Disabling_a_user_on_the_Users_page_closes_the_user_s_window_in_the_kernel_and_cuts_its_connection()
    {
        var hash = AdminPasswordHash.Create(AdminPassword, AdminPasswordHash.MinIterations);
        await using var gw = await GatewayScenario.StartAsync(output, clients: 3,
            "WebKnock:Webmail:Knock:Totp:Enabled=true",
            $"WebKnock:Admin:Users:0:Name={AdminName}",
            $"WebKnock:Admin:Users:0:PasswordHash={hash}",
            // The administrators' workstation (client 2): the kernel lets it reach 443 without a knock, and only it is
            // served the admin pages.
            "WebKnock:Network:AlwaysAllowed:0=192.0.2.12/32",
            "WebKnock:Admin:Networks:0=192.0.2.12/32");
        var (a, b, workstation) = (gw.A, gw.B, gw.Network.Clients[2]);
        var admin = new AdminBrowser(gw, workstation, output);
        var signIn = await admin.SignInAsync(AdminName, AdminPassword);
        Assert.True(signIn.Status == 302, $"sign-in: {signIn.Status}\n{signIn.Body}\n{gw.Diagnostics}");

        // alice and bob are added on the Users page; their enrolment links are what their knock pages would learn.
        var alice = await AddAsync(gw, admin, "alice");
        var bob = await AddAsync(gw, admin, "bob");
        var step = TotpCode.Counter(DateTimeOffset.UtcNow);
        var knockA = await gw.KnockClientAsync(a, Server4, "--ports", Ports(alice.Sequence(step)), "--check");
        Assert.True(knockA.ExitCode == 0, knockA.Output + gw.Diagnostics);
        var knockB = await gw.KnockClientAsync(b, Server4, "--ports", Ports(bob.Sequence(step)), "--check");
        Assert.True(knockB.ExitCode == 0, knockB.Output + gw.Diagnostics);
        Assert.Equal(new HashSet<IPAddress> { a.V4, b.V4 }, (await gw.AllowedAsync()).Keys.ToHashSet());
        Assert.Equal("alice", Assert.Single(gw.LogEvents("TOTP knock of {Service} by user {User}", ("Address", a.V4.ToString())))["User"]);
        Assert.Equal("bob", Assert.Single(gw.LogEvents("TOTP knock of {Service} by user {User}", ("Address", b.V4.ToString())))["User"]);
        Assert.Equal("1", Row(await UsersPageAsync(admin), "alice", "windows"));
        var (holdA, _) = await gw.HoldAsync(a, maxMs: 120_000);
        var (holdB, _) = await gw.HoldAsync(b, maxMs: 120_000);

        // A, with a window, is not served the admin pages: they are for the workstation only.
        Assert.Equal(404, (await gw.CurlAsync(a, Url("/admin/sign-in"))).Status);

        // A forged POST (the form without its anti-forgery token, the cookie in the jar) is refused and changes nothing.
        var forged = await admin.SubmitAsync("/users", KnockUserForms.Disable, [$"{AdminForms.Name}=alice"], withToken: false);
        Assert.Equal(400, forged.Status);
        Assert.Equal("enabled", Row(await UsersPageAsync(admin), "alice", "state"));
        Assert.Contains(a.V4, (await gw.AllowedAsync()).Keys);
        Assert.Null(await holdA.WaitForLineAsync("cut ", TimeSpan.FromSeconds(1)));
        Assert.Empty(gw.LogEvents("Administrator {User} did {Action} to knock user {KnockUser}", ("Action", "disable")));

        // Disable, as the row's button posts it: done, back to the Users page; alice's window leaves the kernel and A's
        // kept connection is cut; bob's window and connection stay.
        var watch = Stopwatch.StartNew();
        var disabled = await admin.SubmitAsync("/users", KnockUserForms.Disable, [$"{AdminForms.Name}=alice"]);
        Assert.True(disabled.Status == 302, $"disable: {disabled.Status}\n{disabled.Body}\n{gw.Diagnostics}");
        Assert.Equal(Url("/admin/users"), disabled.Location);
        var cut = await holdA.WaitForLineAsync("cut ", TimeSpan.FromSeconds(5));
        Assert.True(cut is not null, $"A's kept connection was not cut\n{holdA.Output}\n{gw.Diagnostics}");
        output.WriteLine($"A's connection cut {watch.ElapsedMilliseconds} ms after the disable was posted: {cut}");
        Assert.Equal([b.V4], (await gw.AllowedAsync()).Keys);
        Assert.Equal(ConnectOutcome.Refused, await gw.ConnectAsync(a, 443)); // a closed port again (ClosedPorts=Reset)
        Assert.Null(await holdB.WaitForLineAsync("cut ", TimeSpan.FromMilliseconds(500)));
        var usersPage = await UsersPageAsync(admin);
        Assert.Equal("disabled", Row(usersPage, "alice", "state"));
        Assert.Equal("0", Row(usersPage, "alice", "windows"));
        Assert.NotEmpty(gw.LogEvents("Window of {Service} for {Address} closed", ("Address", a.V4.ToString()), ("Reason", "UserDisabled")));
        var audited = Assert.Single(gw.LogEvents("Administrator {User} did {Action} to knock user {KnockUser}", ("Action", "disable")));
        Assert.Equal((AdminName, "alice"), (audited["User"], audited["KnockUser"]));

        // Disabled, alice's next step's sequence opens nothing.
        var late = await gw.KnockClientAsync(a, Server4, "--ports", Ports(alice.Sequence(TotpCode.Counter(DateTimeOffset.UtcNow) + 1)), "--check", "--check-timeout-ms", "1500");
        Assert.Equal(1, late.ExitCode);
        Assert.DoesNotContain(a.V4, (await gw.AllowedAsync()).Keys);

        // Remove bob: his window closes in the kernel too, and B's connection is cut.
        watch.Restart();
        var removed = await admin.SubmitAsync("/users", KnockUserForms.Remove, [$"{AdminForms.Name}=bob"]);
        Assert.True(removed.Status == 302, $"remove: {removed.Status}\n{removed.Body}\n{gw.Diagnostics}");
        var cutB = await holdB.WaitForLineAsync("cut ", TimeSpan.FromSeconds(5));
        Assert.True(cutB is not null, $"B's kept connection was not cut\n{holdB.Output}\n{gw.Diagnostics}");
        output.WriteLine($"B's connection cut {watch.ElapsedMilliseconds} ms after the remove was posted: {cutB}");
        Assert.Empty(await gw.AllowedAsync());
        Assert.Equal(ConnectOutcome.Refused, await gw.ConnectAsync(b, 443));
        Assert.DoesNotContain("data-knock-user=\"bob\"", await UsersPageAsync(admin));

        // The event store has the audit of every action, by the administrator, with no secret in it.
        var wanted = new[] { "knock user add alice", "knock user show enrolment alice", "knock user add bob", "knock user show enrolment bob", "knock user disable alice", "knock user remove bob" };
        IReadOnlyList<GatewayEvent> audit = [];
        var stored = await Eventually.WaitAsync(() => (audit = AdminActions(gw)).Count >= wanted.Length, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(250));
        Assert.True(stored is not null, $"stored admin actions: {string.Join(", ", audit.Select(e => e.Detail))}");
        Assert.Equal(wanted, audit.Select(e => e.Detail));
        Assert.All(audit, e => Assert.Equal(AdminName, e.User));
        Assert.All(audit, e => Assert.DoesNotContain(alice.SecretText, e.Detail, StringComparison.Ordinal));
    }

    /// <summary>A user's enrolment as the knock page reads it from the link's fragment.</summary>
    private sealed record Enrolment(byte[] Secret, string SecretText, TotpPortPool Pool, int Length)
    {
        public int[] Sequence(long counter) => TotpSequence.Derive(Secret, counter, Pool, Length);
    }

    /// <summary>Adds the user on the Users page, then reads the enrolment link on the user's page.</summary>
    private static async Task<Enrolment> AddAsync(GatewayScenario gw, AdminBrowser admin, string name)
    {
        var added = await admin.SubmitAsync("/users", KnockUserForms.Add, [$"{AdminForms.Name}={name}"]);
        Assert.True(added.Status == 302, $"add {name}: {added.Status}\n{added.Body}\n{gw.Diagnostics}");
        var page = await admin.GetAsync("/users/" + name);
        Assert.Equal(200, page.Status);
        var link = WebUtility.HtmlDecode(EnrolmentLink().Match(page.Body).Groups[1].Value);
        var fragment = link[(link.IndexOf('#', StringComparison.Ordinal) + 1)..].Split('&')
            .Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        var (who, secretText) = (fragment["enrol"].Split(':')[0], fragment["enrol"].Split(':')[1]);
        Assert.Equal(name, Uri.UnescapeDataString(who));
        Assert.True(Base32.TryDecode(secretText, out var secret), link);
        var range = fragment["pool"].Split('-').Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        var excluded = fragment.TryGetValue("x", out var x) ? x.Split(',').Select(p => int.Parse(p, CultureInfo.InvariantCulture)) : [];
        return new Enrolment(secret, secretText, new TotpPortPool(range[0], range[1], excluded), int.Parse(fragment["n"], CultureInfo.InvariantCulture));
    }

    private static async Task<string> UsersPageAsync(AdminBrowser admin)
    {
        var page = await admin.GetAsync("/users");
        Assert.Equal(200, page.Status);
        return page.Body;
    }

    /// <summary>The text of one cell (<c>state</c>, <c>windows</c>) in the user's row of the Users page.</summary>
    private static string Row(string usersPage, string user, string cell)
    {
        var row = Regex.Match(usersPage, $"<tr data-knock-user=\"{Regex.Escape(user)}\">(.*?)</tr>", RegexOptions.Singleline);
        Assert.True(row.Success, $"no row of {user}\n{usersPage}");
        var value = Regex.Match(row.Groups[1].Value, $"<td class=\"{Regex.Escape(cell)}\">([^<]*)</td>");
        Assert.True(value.Success, $"no cell {cell} in the row of {user}\n{row.Value}");
        return value.Groups[1].Value;
    }

    /// <summary>The knock-user actions in the gateway's event store, oldest first.</summary>
    private static List<GatewayEvent> AdminActions(GatewayScenario gw)
    {
        using var store = new EventStore(Path.Combine(gw.Directory, "events.db"), NullLogger<EventStore>.Instance);
        try
        {
            var page = EventList.Query(store, new EventQuery { Types = [GatewayEventType.AdminAction], PageSize = EventQuery.MaxPageSize });
            return [.. page.Items.Select(i => i.Event).Where(e => e.Detail?.StartsWith("knock user ", StringComparison.Ordinal) == true).Reverse()];
        }
        finally
        {
            SqliteConnection.ClearAllPools();
        }
    }

    private static string Ports(int[] ports) => string.Join(',', ports);

    [GeneratedRegex("id=\"enrolment-link\">([^<]+)</code>")]
    private static partial Regex EnrolmentLink();
}
