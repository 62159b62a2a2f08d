var builder = WebApplication.CreateBuilder(args);
builder.AddWebKnock();

var app = builder.Build();
app.UseWebKnockGate();
app.MapWebKnock();
app.Run();

public partial class Program;
