using WebKnock.Cli;
using WebKnock.Hosting;

if (CommandLine.IsCommand(args))
{
    return await CommandLine.RunAsync(args);
}

try
{
    // The web root is the wwwroot beside the program (the gateway's files; on publish also Blazor's framework script),
    // wherever it is started from.
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot") });
    builder.AddWebKnock();

    var app = builder.Build();
    app.ValidateWebKnockOptions();
    app.UseWebKnockGate();
    app.UseWebKnockAdmin();
    app.MapWebKnock();
    await app.RunAsync();
    return 0;
}
catch (Exception ex) when (System.Reflection.Assembly.GetEntryAssembly() == typeof(Program).Assembly && StartupFailure.Describe(ex) is { } line)
{
    // A bad setting: one line naming the key and the form it takes, not a stack trace. Only when this is the process's
    // program: hosted by WebApplicationFactory (tests), the exception must reach the factory.
    await Console.Error.WriteLineAsync(line);
    return StartupFailure.ExitCode;
}

public partial class Program;
