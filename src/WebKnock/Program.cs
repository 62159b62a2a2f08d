using WebKnock.Cli;

if (CommandLine.IsCommand(args))
{
    return await CommandLine.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddWebKnock();

var app = builder.Build();
app.UseWebKnockGate();
app.MapWebKnock();
await app.RunAsync();
return 0;

public partial class Program;
