namespace WebKnock.Cli;

/// <summary>
/// Dispatches <c>webknock COMMAND ...</c> to its command; with no command (or only configuration
/// switches such as <c>--WebKnock:...</c>) the program runs the gateway.
/// </summary>
internal static class CommandLine
{
    private static readonly ICliCommand[] Commands =
    [
        new HelpCommand(),
        new KnockCommand(),
        new FirewallCommand(),
        new HashPasswordCommand(),
        new UsersCommand(),
    ];

    public static bool IsCommand(string[] args) => args.Length > 0 && !args[0].StartsWith('-') && !args[0].Contains('=');

    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        var command = Commands.FirstOrDefault(c => c.Name == args[0]);
        if (command is null)
        {
            await error.WriteLineAsync($"webknock: unknown command '{args[0]}'. Try 'webknock help'.");
            return 2;
        }

        var rest = args[1..];
        if (rest is ["--help"] or ["-h"])
        {
            await output.WriteLineAsync(command.Usage);
            return 0;
        }

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        return await command.RunAsync(rest, output, error, cancel.Token);
    }

    private sealed class HelpCommand : ICliCommand
    {
        public string Name => "help";

        public string Summary => "this list";

        public string Usage => "webknock help";

        public async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
        {
            await output.WriteLineAsync("webknock                      run the gateway (configuration: appsettings/, /etc/webknock/, --Key=Value)");
            foreach (var command in Commands)
            {
                await output.WriteLineAsync($"webknock {command.Name,-20} {command.Summary}");
            }

            await output.WriteLineAsync("webknock COMMAND --help       usage of one command");
            return 0;
        }
    }
}
