using WebKnock.Admin;

namespace WebKnock.Cli;

/// <summary>
/// <c>webknock hash-password</c>: reads one password line from standard input and prints its hash for
/// <c>WebKnock:Admin:Users:N:PasswordHash</c>, and nothing else, so that it can be piped or captured.
/// The password comes from standard input rather than the command line, where the process list and
/// the shell's history would keep it.
/// </summary>
internal sealed class HashPasswordCommand(TextReader? input = null, int iterations = AdminPasswordHash.DefaultIterations) : ICliCommand
{
    public string Name => "hash-password";

    public string Summary => "print the hash of a password read from standard input, for WebKnock:Admin:Users";

    public string Usage => $"""
        usage: webknock hash-password < file-with-the-password
               read -rs p && printf '%s\n' "$p" | webknock hash-password
          Reads one line from standard input (the line ending is not part of the password) and prints
          {AdminPasswordHash.Scheme}$ITERATIONS$SALT$HASH: PBKDF2-HMAC-SHA256, {AdminPasswordHash.DefaultIterations} iterations,
          a random 16-byte salt. Put it with a name in WebKnock:Admin:Users, for example in
          /etc/webknock/appsettings.json:
            "Admin": {"{"} "Users": [ {"{"} "Name": "alice", "PasswordHash": "pbkdf2-sha256$..." {"}"} ] {"}"}
        exit status: 0 printed; 2 no password (empty input or an empty line)
        """;

    public async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (args.Length > 0)
        {
            await error.WriteLineAsync($"webknock hash-password: takes no arguments (got '{args[0]}'); the password is read from standard input.");
            await error.WriteLineAsync(Usage);
            return 2;
        }

        var password = await (input ?? Console.In).ReadLineAsync(cancellationToken);
        if (string.IsNullOrEmpty(password))
        {
            await error.WriteLineAsync("webknock hash-password: no password: standard input was empty or its first line blank. An empty password is refused.");
            return 2;
        }

        await output.WriteLineAsync(AdminPasswordHash.Create(password, iterations));
        return 0;
    }
}
