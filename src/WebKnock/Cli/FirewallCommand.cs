using System.Globalization;
using System.Text;
using System.Text.Json;
using WebKnock.Configuration;
using WebKnock.Firewall;
using WebKnock.Firewall.Nftables;

namespace WebKnock.Cli;

/// <summary>
/// <c>webknock firewall show</c> prints WebKnock's own nftables table and what it holds (open windows per
/// service with their time left, blocked addresses); <c>webknock firewall reset</c> removes that table and
/// nothing else, after saying what goes with it. Both talk to the kernel through libnftables in-process and
/// read the table name from the configuration as the gateway does.
/// </summary>
internal sealed partial class FirewallCommand : ICliCommand
{
    private const int DefaultShown = 20;

    private readonly Func<INftRunner> _nft;
    private readonly Func<IEnumerable<string>, IConfiguration> _configuration;
    private readonly TextReader _input;
    private readonly Func<bool> _interactive;
    private readonly TimeProvider _time;

    public FirewallCommand()
        : this(() => new NftContext(), switches => WebKnockConfiguration.Build(switches), Console.In, () => !Console.IsInputRedirected, TimeProvider.System)
    {
    }

    internal FirewallCommand(Func<INftRunner> nft, Func<IEnumerable<string>, IConfiguration> configuration, TextReader input, Func<bool> interactive, TimeProvider time)
    {
        _nft = nft;
        _configuration = configuration;
        _input = input;
        _interactive = interactive;
        _time = time;
    }

    public string Name => "firewall";

    public string Summary => "show WebKnock's nftables table, or remove it (reset)";

    public string Usage => """
        webknock firewall show [--all] [--Key=Value ...]
            Prints WebKnock's table (inet, named by WebKnock:Firewall:Table) without its set elements, then a
            summary: open windows and network windows per service with their time left, blocked addresses.
            --all lists every element (otherwise the first 20 of each list).
        webknock firewall reset [--yes] [--Key=Value ...]
            Removes WebKnock's table and nothing else, after printing what goes with it. Asks first when run
            from a terminal; --yes skips the question (and is required when standard input is not a terminal).

        The configuration is read as the gateway reads it: appsettings/ beside the program,
        /etc/webknock/appsettings.json, WEBKNOCK_ variables, then --Key=Value switches. Needs root (or
        CAP_NET_ADMIN) and the libnftables1 package.
        """;

    public async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (args.Length == 0 || args[0] is not ("show" or "reset"))
        {
            await error.WriteLineAsync(args.Length == 0 ? "webknock firewall: say show or reset." : $"webknock firewall: unknown action '{args[0]}'.");
            await error.WriteLineAsync(Usage);
            return 2;
        }

        var action = args[0];
        bool yes = false, all = false;
        var switches = new List<string>();
        foreach (var word in args[1..])
        {
            if (word is "--yes" or "-y" && action == "reset")
            {
                yes = true;
            }
            else if (word == "--all" && action == "show")
            {
                all = true;
            }
            else if (WebKnockConfiguration.IsSwitch(word))
            {
                switches.Add(word);
            }
            else
            {
                await error.WriteLineAsync($"webknock firewall {action}: unknown option '{word}'.");
                await error.WriteLineAsync(Usage);
                return 2;
            }
        }

        var configuration = _configuration(switches);
        var options = WebKnockConfiguration.BindWebKnock(configuration);
        var nftables = WebKnockConfiguration.BindNftables(configuration);
        var table = options.Firewall.Table;
        if (string.IsNullOrEmpty(table) || table.Length > 32 || !char.IsAsciiLetter(table[0]) || !table.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            await error.WriteLineAsync($"webknock firewall: {WebKnockOptions.SectionName}:Firewall:Table must be letters, digits and '_' (got \"{table}\").");
            return 2;
        }

        try
        {
            using var nft = _nft();
            return action == "show"
                ? await ShowAsync(nft, options, table, all, output)
                : await ResetAsync(nft, options, nftables, table, yes, output, error, cancellationToken);
        }
        catch (NftablesException e) when (e.IsNotPermitted)
        {
            await error.WriteLineAsync("webknock firewall: the kernel refused (Operation not permitted): run it as root, e.g. sudo webknock firewall "
                + $"{action}, or with CAP_NET_ADMIN.");
            return 1;
        }
        catch (NftablesException e)
        {
            await error.WriteLineAsync($"webknock firewall: {e.Message}");
            return 1;
        }
    }

    private async Task<int> ShowAsync(INftRunner nft, WebKnockOptions options, string table, bool all, TextWriter output)
    {
        if (Read(nft, table, terse: true) is not { } text)
        {
            await output.WriteLineAsync($"There is no table inet {table}: WebKnock has not loaded its rules here (the gateway loads them "
                + $"at start with {WebKnockOptions.SectionName}:Firewall:Backend=Nftables).");
            return 1;
        }

        await output.WriteLineAsync($"# nft list table inet {table} (set elements left out; they follow in the summary)");
        await output.WriteAsync(text);
        await output.WriteLineAsync();
        await output.WriteAsync(Summarize(nft, options, table, all ? int.MaxValue : DefaultShown));
        return 0;
    }

    private async Task<int> ResetAsync(
        INftRunner nft, WebKnockOptions options, NftablesOptions nftables, string table, bool yes, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (Read(nft, table, terse: true) is null)
        {
            await output.WriteLineAsync($"There is no table inet {table}: nothing to remove.");
            return 0;
        }

        var ports = options.Webmail.ProtectedPorts.Concat(options.Ssh?.ProtectedPorts ?? []).Distinct();
        await output.WriteLineAsync($"This removes table inet {table}, WebKnock's own, and nothing else. With it go:");
        await output.WriteAsync(Summarize(nft, options, table, DefaultShown));
        await output.WriteLineAsync($"Afterwards WebKnock guards nothing: the host's own firewall alone decides who reaches port {string.Join(", ", ports)}, "
            + "and knocks are not seen.");
        await output.WriteLineAsync($"A running gateway loads the table again within {Duration(nftables.WatchdogInterval)} (its watchdog): "
            + "stop it first (systemctl stop webknock) to keep the table removed.");

        if (!yes)
        {
            if (!_interactive())
            {
                await error.WriteLineAsync($"webknock firewall reset: standard input is not a terminal, so nobody can confirm; nothing removed. "
                    + $"Add --yes to remove table inet {table}.");
                return 1;
            }

            await output.WriteAsync($"Remove table inet {table}? [y/N] ");
            await output.FlushAsync(cancellationToken);
            var answer = (await _input.ReadLineAsync(cancellationToken))?.Trim();
            if (answer is null || !(answer.Equals("y", StringComparison.OrdinalIgnoreCase) || answer.Equals("yes", StringComparison.OrdinalIgnoreCase)))
            {
                await output.WriteLineAsync("Nothing removed.");
                return 1;
            }
        }

        try
        {
            nft.Run($"delete table inet {table}");
        }
        catch (NftablesException e) when (e.IsNotFound)
        {
            // Gone in the meantime: the outcome asked for.
        }

        await output.WriteLineAsync($"Removed table inet {table}.");
        return 0;
    }

    /// <summary>The table's listing, or null when there is no such table.</summary>
    private static string? Read(INftRunner nft, string table, bool terse)
    {
        try
        {
            return nft.Run($"list table inet {table}", terse: terse);
        }
        catch (NftablesException e) when (e.IsNotFound)
        {
            return null;
        }
    }
}
