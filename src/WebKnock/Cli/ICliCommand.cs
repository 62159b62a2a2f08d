namespace WebKnock.Cli;

/// <summary>One sub-command of the <c>webknock</c> program (everything that is not running the gateway).</summary>
internal interface ICliCommand
{
    /// <summary>The first word on the command line, e.g. <c>knock</c>.</summary>
    string Name { get; }

    /// <summary>One line for <c>webknock help</c>.</summary>
    string Summary { get; }

    /// <summary>Full usage, printed for <c>webknock NAME --help</c> and on a usage error.</summary>
    string Usage { get; }

    /// <summary>Runs with the words after the name; returns the exit code (2 for a usage error).</summary>
    Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken);
}
