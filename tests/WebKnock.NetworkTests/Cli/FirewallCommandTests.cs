using System.Net;
using WebKnock.NetworkTests.Infrastructure;
using Xunit.Abstractions;

namespace WebKnock.NetworkTests.Cli;

/// <summary>
/// The real <c>webknock</c> program's <c>firewall show</c> and <c>firewall reset</c>, run in the server namespace
/// against the table that the firewall code loaded there, beside a table that belongs to somebody else.
/// </summary>
public sealed class FirewallCommandTests(ITestOutputHelper output)
{
    private static readonly IPAddress A4 = IPAddress.Parse("192.0.2.10");
    private static readonly IPAddress A6 = IPAddress.Parse("2001:db8::10");
    private static readonly IPAddress Blocked = IPAddress.Parse("192.0.2.66");

    private static Task<Shell.Result> Webknock(NetworkNamespace ns, params string[] args)
    {
        var program = Path.Combine(AppContext.BaseDirectory, "webknock.dll");
        return ns.TryExecAsync([Shell.Which("dotnet") ?? "dotnet", program, .. args, "--WebKnock:Firewall:Table=webknock", "--WebKnock:LogFile="]);
    }

    [NetworkFact]
    public async Task Show_prints_the_table_and_the_windows_and_reset_removes_only_that_table()
    {
        await using var scenario = await FirewallScenario.StartAsync(reader: false);
        await scenario.Agent.SendAsync($"open webmail {A4} 600");
        await scenario.Agent.SendAsync($"open webmail {A6} 4000");
        await scenario.Agent.SendAsync($"block {Blocked} 3600");
        await scenario.Server.ExecAsync("nft", "add", "table", "inet", "filter");
        await scenario.Server.ExecAsync("nft", "add", "chain", "inet", "filter", "input", "{ type filter hook input priority 0; policy accept; }");

        var show = await Webknock(scenario.Server, "firewall", "show");
        output.WriteLine(show.Output + show.Error);

        Assert.Equal(0, show.ExitCode);
        Assert.Contains("table inet webknock {", show.Output);
        Assert.Contains("chain input {", show.Output);
        Assert.Contains("webmail: protected port 443", show.Output);
        Assert.Contains("  open windows: 2", show.Output);
        Assert.Matches($@"{Regex(A4)} +9:\d\d left", show.Output);
        Assert.Matches($@"{Regex(A6)} +1:0[56]:\d\d left", show.Output);
        Assert.Contains("  blocked from everything: 1", show.Output);
        Assert.Matches($@"{Regex(Blocked)} +59:\d\d left", show.Output);
        Assert.DoesNotContain("table inet filter", show.Output);

        var refused = await Webknock(scenario.Server, "firewall", "reset");
        output.WriteLine(refused.Output + refused.Error);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("--yes", refused.Error);
        Assert.Equal(0, (await scenario.Server.TryExecAsync("nft", "list", "table", "inet", "webknock")).ExitCode);

        var reset = await Webknock(scenario.Server, "firewall", "reset", "--yes");
        output.WriteLine(reset.Output + reset.Error);
        Assert.Equal(0, reset.ExitCode);
        Assert.Contains("Removed table inet webknock.", reset.Output);
        Assert.Equal("table inet filter", (await scenario.Server.ExecAsync("nft", "list", "tables")).Output.Trim());

        var again = await Webknock(scenario.Server, "firewall", "reset", "--yes");
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("nothing to remove", again.Output);
        Assert.Equal(1, (await Webknock(scenario.Server, "firewall", "show")).ExitCode);
    }

    [NetworkFact]
    public async Task Without_root_it_says_to_run_as_root()
    {
        await using var network = await TestNetwork.CreateAsync(clients: 0);

        // nobody cannot read a build output below a 0700 home folder (where a clone under /root lands): run a copy of
        // the program from a folder that nobody can read, removed afterwards.
        var copy = Directory.CreateTempSubdirectory("wk-nobody-");
        try
        {
            foreach (var file in Directory.EnumerateFiles(AppContext.BaseDirectory, "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(copy.FullName, Path.GetRelativePath(AppContext.BaseDirectory, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }

            (await Shell.RunAsync("chmod", "0755", copy.FullName)).ThrowIfFailed("chmod the copy's folder");
            var program = Path.Combine(copy.FullName, "webknock.dll");

            // setpriv drops to nobody inside the namespace; dotnet needs a writable home for nothing here.
            var result = await network.Server.TryExecAsync("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "env", "HOME=/tmp", "DOTNET_CLI_HOME=/tmp",
                Shell.Which("dotnet") ?? "dotnet", program, "firewall", "show", "--WebKnock:LogFile=");
            output.WriteLine(result.Output + result.Error);

            Assert.Equal(1, result.ExitCode);
            Assert.Contains("run it as root", result.Error);
        }
        finally
        {
            copy.Delete(recursive: true);
        }
    }

    private static string Regex(IPAddress address) => System.Text.RegularExpressions.Regex.Escape(address.ToString());
}
