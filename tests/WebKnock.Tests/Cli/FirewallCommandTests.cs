using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using WebKnock.Cli;
using WebKnock.Firewall.Nftables;

namespace WebKnock.Tests.Cli;

public sealed class FirewallCommandTests
{
    private const string Terse = "table inet webknock {\n\tset webmail_allow4 {\n\t\ttype ipv4_addr\n\t}\n}\n";

    private const string Json = """
        {"nftables": [{"metainfo": {"version": "1.0.6"}}, {"table": {"family": "inet", "name": "webknock", "handle": 1}},
         {"set": {"family": "inet", "name": "webmail_allow4", "table": "webknock", "type": "ipv4_addr", "elem": [
            {"elem": {"val": "192.0.2.10", "timeout": 1800, "expires": 1781}},
            {"elem": {"val": "192.0.2.11", "timeout": 7200, "expires": 3730}}]}},
         {"set": {"family": "inet", "name": "webmail_allow6", "table": "webknock", "type": "ipv6_addr", "elem": [
            {"elem": {"val": "2001:db8::10", "timeout": 600, "expires": 59}}]}},
         {"set": {"family": "inet", "name": "ssh_allow4", "table": "webknock", "type": "ipv4_addr"}},
         {"set": {"family": "inet", "name": "webmail_nets4", "table": "webknock", "type": "ipv4_addr", "flags": ["interval", "timeout"], "elem": [
            {"elem": {"val": {"prefix": {"addr": "198.51.100.0", "len": 24}}, "timeout": 7200, "expires": 5400}},
            {"elem": {"val": "203.0.113.9", "timeout": 600, "expires": 120}}]}},
         {"set": {"family": "inet", "name": "webmail_nets6", "table": "webknock", "type": "ipv6_addr", "flags": ["interval", "timeout"], "elem": [
            {"elem": {"val": {"prefix": {"addr": "2001:db8:5::", "len": 48}}, "timeout": 3600, "expires": 1800}}]}},
         {"set": {"family": "inet", "name": "ssh_nets4", "table": "webknock", "type": "ipv4_addr", "flags": ["interval", "timeout"]}},
         {"set": {"family": "inet", "name": "blocked4", "table": "webknock", "type": "ipv4_addr", "elem": [
            {"elem": {"val": "198.51.100.7", "timeout": 3600, "expires": 3552}}]}},
         {"set": {"family": "inet", "name": "knockban6", "table": "webknock", "type": "ipv6_addr"}},
         {"set": {"family": "inet", "name": "always4", "table": "webknock", "type": "ipv4_addr", "flags": ["interval"], "elem": [
            {"prefix": {"addr": "192.0.2.0", "len": 24}}, "203.0.113.5"]}},
         {"chain": {"family": "inet", "table": "webknock", "name": "input", "handle": 9}}]}
        """;

    private readonly FakeNft _nft = new();
    private readonly StringWriter _output = new();
    private readonly StringWriter _error = new();

    private FirewallCommand Command(bool interactive = false, string answer = "", Dictionary<string, string?>? settings = null)
        => new(
            () => _nft,
            switches => new ConfigurationBuilder()
                .AddInMemoryCollection(settings ?? new Dictionary<string, string?>
                {
                    ["WebKnock:Ssh:Knock:Ports:0"] = "7100",
                    ["WebKnock:Ssh:Knock:Ports:1"] = "7300",
                    ["WebKnock:Ssh:Knock:Ports:2"] = "7200",
                })
                .AddCommandLine([.. switches])
                .Build(),
            new StringReader(answer + "\n"),
            () => interactive,
            new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero)));

    private Task<int> Run(FirewallCommand command, params string[] args) => command.RunAsync(args, _output, _error, CancellationToken.None);

    [Fact]
    public async Task Show_prints_the_table_and_a_summary_per_service()
    {
        Assert.Equal(0, await Run(Command(), "show"));

        var text = _output.ToString();
        Assert.Contains(Terse, text);
        Assert.Contains("webmail: protected port 443, knock 7000 9000 8000, window 30m", text);
        Assert.Contains("ssh: protected port 22, knock 7100 7300 7200, window 1m", text);
        Assert.Contains("  open windows: 3", text);
        Assert.Matches(@"2001:db8::10 +0:59 left", text);
        Assert.Matches(@"192\.0\.2\.10 +29:41 left", text);
        Assert.Matches(@"192\.0\.2\.11 +1:02:10 left", text);
        Assert.Matches(@"198\.51\.100\.7 +59:12 left", text);
        Assert.Contains("always allowed: 192.0.2.0/24, 203.0.113.5", text);
        Assert.Contains("ignored at the knock ports after a flood: none", text);

        // The soonest to close comes first.
        Assert.True(text.IndexOf("2001:db8::10", StringComparison.Ordinal) < text.IndexOf("192.0.2.10", StringComparison.Ordinal));
        Assert.Equal(["list table inet webknock (terse)", "list table inet webknock (json)"], _nft.Commands);
    }

    [Fact]
    public async Task Show_lists_the_network_windows_per_service()
    {
        Assert.Equal(0, await Run(Command(), "show"));

        var text = _output.ToString();
        var webmail = text[text.IndexOf("webmail:", StringComparison.Ordinal)..text.IndexOf("ssh:", StringComparison.Ordinal)];
        Assert.Contains("  open network windows: 3", webmail);
        Assert.Matches(@"198\.51\.100\.0/24 +1:30:00 left", webmail);
        Assert.Matches(@"203\.0\.113\.9/32 +2:00 left", webmail);
        Assert.Matches(@"2001:db8:5::/48 +30:00 left", webmail);
        Assert.True(webmail.IndexOf("203.0.113.9/32", StringComparison.Ordinal) < webmail.IndexOf("2001:db8:5::/48", StringComparison.Ordinal));
        var ssh = text[text.IndexOf("ssh:", StringComparison.Ordinal)..];
        Assert.Contains("  open network windows: none", ssh);

        // Networks are not counted as addresses.
        Assert.Contains("  open windows: 3", webmail);
    }

    [Fact]
    public async Task The_table_name_comes_from_the_configuration_and_the_command_line()
    {
        _nft.Table = "wk_test";

        Assert.Equal(0, await Run(Command(), "show", "--WebKnock:Firewall:Table=wk_test"));
        Assert.All(_nft.Commands, c => Assert.Contains("inet wk_test", c));
    }

    [Fact]
    public async Task A_table_name_that_could_carry_a_command_is_refused_before_nft()
    {
        Assert.Equal(2, await Run(Command(), "show", "--WebKnock:Firewall:Table=x;flush ruleset"));
        Assert.Empty(_nft.Commands);
        Assert.Contains("WebKnock:Firewall:Table", _error.ToString());
    }

    [Fact]
    public async Task Show_without_a_table_says_so()
    {
        _nft.Table = "other";

        Assert.Equal(1, await Run(Command(), "show"));
        Assert.Contains("There is no table inet webknock", _output.ToString());
    }

    [Fact]
    public async Task Reset_without_a_terminal_and_without_yes_refuses_and_removes_nothing()
    {
        Assert.Equal(1, await Run(Command(interactive: false), "reset"));

        Assert.DoesNotContain(_nft.Commands, c => c.StartsWith("delete", StringComparison.Ordinal));
        Assert.Contains("not a terminal", _error.ToString());
        Assert.Contains("--yes", _error.ToString());
        Assert.Contains("This removes table inet webknock", _output.ToString());
    }

    [Fact]
    public async Task Reset_with_yes_prints_what_goes_then_removes_only_the_table()
    {
        Assert.Equal(0, await Run(Command(), "reset", "--yes"));

        var text = _output.ToString();
        Assert.True(text.IndexOf("192.0.2.10", StringComparison.Ordinal) < text.IndexOf("Removed table inet webknock.", StringComparison.Ordinal));
        Assert.Contains("port 443, 22", text);
        Assert.Contains("within 2s", text);
        Assert.Equal("delete table inet webknock", Assert.Single(_nft.Commands, c => c.StartsWith("delete", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("y", 0)]
    [InlineData("yes", 0)]
    [InlineData("n", 1)]
    [InlineData("", 1)]
    public async Task Reset_at_a_terminal_asks(string answer, int exitCode)
    {
        Assert.Equal(exitCode, await Run(Command(interactive: true, answer: answer), "reset"));

        Assert.Contains("Remove table inet webknock? [y/N]", _output.ToString());
        Assert.Equal(exitCode == 0, _nft.Commands.Contains("delete table inet webknock"));
    }

    [Fact]
    public async Task Reset_of_an_absent_table_is_done_already()
    {
        _nft.Table = "other";

        Assert.Equal(0, await Run(Command(), "reset", "--yes"));
        Assert.Contains("nothing to remove", _output.ToString());
    }

    [Fact]
    public async Task Not_root_gets_a_clear_message()
    {
        _nft.Refuse = true;

        Assert.Equal(1, await Run(Command(), "show"));
        Assert.Contains("run it as root", _error.ToString());
    }

    [Fact]
    public async Task Missing_libnftables_gets_a_clear_message()
    {
        var command = new FirewallCommand(
            () => throw new NftablesException("libnftables.so.1 could not be loaded: install the libnftables1 package.", new DllNotFoundException()),
            _ => new ConfigurationBuilder().Build(),
            TextReader.Null,
            () => false,
            TimeProvider.System);

        Assert.Equal(1, await command.RunAsync(["show"], _output, _error, CancellationToken.None));
        Assert.Contains("install the libnftables1 package", _error.ToString());
    }

    [Theory]
    [InlineData]
    [InlineData("status")]
    [InlineData("show", "--yes")]
    [InlineData("reset", "--all")]
    [InlineData("show", "--WebKnock:Firewall:Table")]
    public async Task Usage_errors_exit_2(params string[] args)
    {
        Assert.Equal(2, await Run(Command(), args));
        Assert.Empty(_nft.Commands);
    }

    [Fact]
    public async Task The_command_is_registered()
    {
        var output = new StringWriter();
        Assert.Equal(0, await CommandLine.RunAsync(["help"], output, new StringWriter()));
        Assert.Contains("webknock firewall", output.ToString());
    }

    [Theory]
    [InlineData(0, "0:00")]
    [InlineData(59, "0:59")]
    [InlineData(61, "1:01")]
    [InlineData(3599, "59:59")]
    [InlineData(3600, "1:00:00")]
    [InlineData(90061, "25:01:01")]
    public void Time_left_reads_like_a_clock(int seconds, string expected)
    {
        Assert.Equal(expected, FirewallCommand.TimeLeft(TimeSpan.FromSeconds(seconds)));
    }

    /// <summary>Answers like libnftables for one table; records what it was asked.</summary>
    private sealed class FakeNft : INftRunner
    {
        public string Table { get; set; } = "webknock";

        public bool Refuse { get; set; }

        public List<string> Commands { get; } = [];

        public string Run(string commands, bool json = false, bool terse = false)
        {
            Commands.Add(commands + (json ? " (json)" : terse ? " (terse)" : ""));
            if (Refuse)
            {
                throw new NftablesException("Operation not permitted (you must be root)\nnetlink: Error: cache initialization failed: Operation not permitted", commands);
            }

            if (!commands.EndsWith($"inet {Table}", StringComparison.Ordinal))
            {
                throw new NftablesException("Error: No such file or directory\n" + commands, commands);
            }

            return commands.StartsWith("delete", StringComparison.Ordinal) ? "" : json ? Json : Terse;
        }

        public void Dispose()
        {
        }
    }
}
