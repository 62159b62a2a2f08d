namespace SquirrelMailFixture;

/// <summary>Runs the fixture standalone: <c>dotnet run --project tests/SquirrelMailFixture -- --urls http://127.0.0.1:8080</c>.</summary>
internal static class Program
{
    public static Task Main(string[] args) => SquirrelMailApp.Build(args).RunAsync();
}
