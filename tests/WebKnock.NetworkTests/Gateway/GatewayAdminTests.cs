using System.Net;
using System.Text.RegularExpressions;
using WebKnock.Admin;
using WebKnock.NetworkTests.Infrastructure;
using Xunit.Abstractions;
using static WebKnock.NetworkTests.Infrastructure.GatewayScenario;

namespace WebKnock.NetworkTests.Gateway;

/// <summary>The administrator's actions on the Now page, posted with curl as a browser posts them, reach the kernel.</summary>
[Collection(GatewayCollection.Name)]
public sealed partial class GatewayAdminTests(ITestOutputHelper output)
{
    private const string AdminName = "root";
    private const string AdminPassword = "correct horse battery";
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(2);
    private static readonly string Server4 = TestNetwork.ServerV4.ToString();

    [NetworkFact]
    public async Task The_administrator_s_extend_close_open_block_and_unblock_act_on_the_kernel_s_sets()
    {
        var hash = AdminPasswordHash.Create(AdminPassword, AdminPasswordHash.MinIterations);
        await using var gw = await GatewayScenario.StartAsync(output, clients: 2,
            $"WebKnock:Webmail:Window={Window:c}", $"WebKnock:Admin:Users:0:Name={AdminName}", $"WebKnock:Admin:Users:0:PasswordHash={hash}");
        var (a, admin) = (gw.A, gw.B);
        Assert.Equal(0, (await gw.KnockClientAsync(a, Server4, "--ports", KnockPorts, "--check")).ExitCode);
        Assert.Equal(0, (await gw.KnockClientAsync(admin, Server4, "--ports", KnockPorts, "--check")).ExitCode);
        var (hold, _) = await gw.HoldAsync(a);
        var jar = Path.Combine(gw.Directory, "admin-cookies.txt");
        Assert.Equal(302, await SubmitAsync(gw, admin, jar, "/admin/sign-in", AdminForms.SignIn, $"{AdminForms.Name}={AdminName}", $"{AdminForms.Password}={AdminPassword}"));

        // Extend: the kernel's element gets one more window from now.
        await Task.Delay(TimeSpan.FromSeconds(4));
        var before = (await gw.AllowedAsync())[a.V4]!.Value;
        Assert.True(before <= Window - TimeSpan.FromSeconds(3), $"{before} left before the extension");
        Assert.Equal(302, await SubmitAsync(gw, admin, jar, "/admin/", AdminForms.Extend, $"{AdminForms.Target}=webmail {a.V4}"));
        var extended = await Eventually.WaitAsync(async () => (await gw.AllowedAsync())[a.V4] >= Window - TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5));
        Assert.True(extended is not null, $"the kernel's element of {a.V4} was not extended: {(await gw.AllowedAsync())[a.V4]} left\n{gw.Diagnostics}");

        // Close: the element leaves the kernel and A's kept connection is cut.
        Assert.Equal(302, await SubmitAsync(gw, admin, jar, "/admin/", AdminForms.Close, $"{AdminForms.Target}=webmail {a.V4}"));
        var cut = await hold.WaitForLineAsync("cut ", TimeSpan.FromSeconds(5));
        Assert.True(cut is not null, $"A's kept connection was not cut\n{hold.Output}");
        Assert.DoesNotContain(a.V4, (await gw.AllowedAsync()).Keys);
        Assert.Equal(ConnectOutcome.Refused, await gw.ConnectAsync(a, 443)); // a closed port again (ClosedPorts=Reset)

        // Open for 15 minutes: without a knock, A reaches the webmail.
        Assert.Equal(302, await SubmitAsync(gw, admin, jar, "/admin/", AdminForms.Open,
            $"{AdminForms.Service}=webmail", $"{AdminForms.Target}={a.V4}", $"{AdminForms.Duration}=15", $"{AdminForms.Minutes}="));
        var opened = await Eventually.WaitAsync(async () => (await gw.AllowedAsync()).ContainsKey(a.V4), TimeSpan.FromSeconds(5));
        Assert.True(opened is not null, $"the admin's open did not reach the kernel\n{gw.Diagnostics}");
        Assert.InRange((await gw.AllowedAsync())[a.V4]!.Value, TimeSpan.FromMinutes(15) - TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(15));
        Assert.Equal(200, (await gw.CurlAsync(a, Url(LoginPage))).Status);

        // Block for 15 minutes: the window closes and A's packets are dropped, knock or not.
        Assert.Equal(302, await SubmitAsync(gw, admin, jar, "/admin/", AdminForms.Block,
            $"{AdminForms.Address}={a.V4}", $"{AdminForms.Duration}=15", $"{AdminForms.Minutes}="));
        var blocked = await gw.BlockedAsync();
        Assert.True(blocked.ContainsKey(a.V4), $"{a.V4} is not in the kernel's blocked set\n{gw.Diagnostics}");
        Assert.InRange(blocked[a.V4]!.Value, TimeSpan.FromMinutes(15) - TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(15));
        Assert.DoesNotContain(a.V4, (await gw.AllowedAsync()).Keys);
        Assert.Equal(1, (await gw.KnockClientAsync(a, Server4, "--ports", KnockPorts, "--check", "--check-timeout-ms", "1500")).ExitCode);

        // Unblock: the kernel forgets the block, and A's knock opens again.
        Assert.Equal(302, await SubmitAsync(gw, admin, jar, "/admin/", AdminForms.Unblock, $"{AdminForms.Address}={a.V4}"));
        Assert.DoesNotContain(a.V4, (await gw.BlockedAsync()).Keys);
        var again = await gw.KnockClientAsync(a, Server4, "--ports", KnockPorts, "--check");
        Assert.True(again.ExitCode == 0, again.Output + gw.Diagnostics);
        Assert.Equal(200, (await gw.CurlAsync(a, Url(LoginPage))).Status);
    }

    /// <summary>
    /// What a browser does with one of the admin pages' forms: gets the page, takes the form's anti-forgery token, posts
    /// the form's name with the fields. The status of the POST (302: done, the page follows).
    /// </summary>
    private async Task<int> SubmitAsync(GatewayScenario gw, TestNetwork.Client client, string jar, string path, string form, params string[] fields)
    {
        var page = await gw.CurlAsync(client, Url(path), jar);
        Assert.True(page.Status == 200, $"GET {path}: {page.Status} (curl {page.CurlExit})\n{gw.Diagnostics}");
        var token = FormToken(page.Body, form);
        Assert.True(token is not null, $"no form {form} with a token on {path}\n{page.Body}");
        var post = await gw.CurlAsync(client, Url(path), jar, [$"_handler={form}", $"__RequestVerificationToken={token}", .. fields]);
        output.WriteLine($"[{client.V4}] POST {path} {form} {string.Join(' ', fields.Where(f => !f.StartsWith(AdminForms.Password, StringComparison.Ordinal)))} -> {post.Status}");
        return post.Status;
    }

    private static string? FormToken(string html, string form)
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

    [GeneratedRegex("<input[^>]*>")]
    private static partial Regex Input();

    [GeneratedRegex("value=\"([^\"]*)\"")]
    private static partial Regex Value();
}
