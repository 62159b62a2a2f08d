using WebKnock.Cli;

if (CommandLine.IsCommand(args))
{
    return await CommandLine.RunAsync(args);
}

// The web root is the wwwroot beside the program (the gateway's files; on publish also Blazor's framework script),
// wherever it is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot") });
builder.AddWebKnock();

var app = builder.Build();
app.UseWebKnockGate();
app.UseWebKnockAdmin();
app.MapWebKnock();
await app.RunAsync();
return 0;

public partial class Program;
