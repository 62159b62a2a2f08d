using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace WebKnock.Events.Ssh;

/// <summary>
/// sshd's messages from the journal: a <c>journalctl --follow</c> child process writing JSON lines.
/// OpenSSH 9.8 and later log authentication from <c>sshd-session</c>, older ones from <c>sshd</c>.
/// </summary>
internal sealed partial class JournaldSource(ILogger<JournaldSource> logger, string fileName = "journalctl", IReadOnlyList<string>? arguments = null) : ISshLogSource
{
    public static readonly IReadOnlyList<string> DefaultArguments =
        ["--output=json", "--output-fields=MESSAGE", "--follow", "--since=now", "--quiet", "_COMM=sshd", "_COMM=sshd-session"];

    public async IAsyncEnumerable<SshLogLine> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments ?? DefaultArguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start.");
        var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            while (await process.StandardOutput.ReadLineAsync(cancellationToken) is { } json)
            {
                if (JournalLine.TryParse(json, out var line))
                {
                    yield return line;
                }
            }

            await process.WaitForExitAsync(cancellationToken);
            Exited(logger, fileName, process.ExitCode, (await errors).Trim());
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    [LoggerMessage(6050, LogLevel.Warning, "{Program} stopped with exit code {ExitCode}: {Errors}")]
    private static partial void Exited(ILogger logger, string program, int exitCode, string errors);
}
