using Microsoft.Playwright;
using Xunit.Abstractions;

namespace WebKnock.NetworkTests.Infrastructure;

/// <summary>
/// Screenshots the browser tests keep as artifacts, in <c>artifacts/screenshots/</c> of the repository (ignored by
/// git; CI keeps the folder). Copies of some live in <c>docs/screenshots/</c>, linked from the README.
/// </summary>
public static class Screenshots
{
    public static string Folder => Path.Combine(BuildOutputs.RepositoryRoot, "artifacts", "screenshots");

    /// <summary>Saves what the page shows now as <c>NAME.png</c>; returns the file's path.</summary>
    public static async Task<string> SaveAsync(IPage page, string name, ITestOutputHelper output)
    {
        System.IO.Directory.CreateDirectory(Folder);
        var path = Path.Combine(Folder, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, Timeout = 15_000 });
        output.WriteLine($"screenshot {path}");
        return path;
    }
}
