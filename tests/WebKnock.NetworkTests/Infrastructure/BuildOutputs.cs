namespace WebKnock.NetworkTests.Infrastructure;

/// <summary>
/// Where the programs the gateway tests run were built: the gateway (<c>src/WebKnock/bin/CONFIG/TFM/webknock.dll</c>)
/// and the SquirrelMail fixture (<c>tests/SquirrelMailFixture/bin/CONFIG/TFM/SquirrelMailFixture.dll</c>). The
/// configuration and target framework are this test assembly's own (CI builds Release, developers Debug); when that
/// build is missing, the newest other build is taken.
/// </summary>
public static class BuildOutputs
{
    private static readonly Lazy<string> Root = new(FindRoot);

    public static string RepositoryRoot => Root.Value;

    /// <summary>The test assembly's build configuration (Debug, Release), from its output path.</summary>
    public static string Configuration { get; } = Path.GetFileName(Path.GetDirectoryName(AssemblyDirectory.TrimEnd('/'))) ?? "Debug";

    /// <summary>The test assembly's target framework folder (net10.0).</summary>
    public static string TargetFramework { get; } = Path.GetFileName(AssemblyDirectory.TrimEnd('/'));

    public static string Gateway => Find("src/WebKnock", "webknock.dll");

    public static string Fixture => Find("tests/SquirrelMailFixture", "SquirrelMailFixture.dll");

    /// <summary>The dotnet host to run the programs with.</summary>
    public static string Dotnet
    {
        get
        {
            var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            if (!string.IsNullOrEmpty(host) && File.Exists(host))
            {
                return host;
            }

            return Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : Shell.Which("dotnet") ?? "dotnet";
        }
    }

    private static string AssemblyDirectory => Path.GetDirectoryName(typeof(BuildOutputs).Assembly.Location)!;

    private static string Find(string project, string file)
    {
        var bin = Path.Combine(RepositoryRoot, project, "bin");
        var preferred = Path.Combine(bin, Configuration, TargetFramework, file);
        if (File.Exists(preferred))
        {
            return preferred;
        }

        var other = Directory.Exists(bin)
            ? Directory.EnumerateFiles(bin, file, SearchOption.AllDirectories)
                .Where(p => Path.GetFileName(Path.GetDirectoryName(p)) == TargetFramework)
                .OrderByDescending(File.GetLastWriteTimeUtc)
                .FirstOrDefault()
            : null;
        return other ?? throw new FileNotFoundException(
            $"{file} is not built (looked for {preferred}). Build the solution first: dotnet build WebKnock.sln -c {Configuration}");
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AssemblyDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "WebKnock.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No WebKnock.sln above {AssemblyDirectory}.");
    }
}
