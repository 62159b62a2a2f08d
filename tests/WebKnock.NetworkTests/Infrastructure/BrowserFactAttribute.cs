using System.Net;

namespace WebKnock.NetworkTests.Infrastructure;

/// <summary>
/// A fact that drives Debian's Chromium in a network namespace (see <see cref="NamespaceBrowser"/>): it needs what
/// <see cref="NetworkFactAttribute"/> needs, <c>/usr/bin/chromium</c>, and the Playwright driver in the build output.
/// Skipped with the reason where one is missing.
/// </summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        Skip = NetworkRequirements.SkipReason ?? BrowserRequirements.SkipReason;
    }
}

/// <summary>Like <see cref="BrowserFactAttribute"/>, and also needs the real Roundcube (scripts/install-roundcube.sh).</summary>
public sealed class RoundcubeBrowserFactAttribute : FactAttribute
{
    public RoundcubeBrowserFactAttribute()
    {
        Skip = NetworkRequirements.SkipReason ?? BrowserRequirements.SkipReason ?? BrowserRequirements.RoundcubeSkipReason;
    }
}

public static class BrowserRequirements
{
    /// <summary>Apache serves Roundcube here, in the root namespace (scripts/install-roundcube.sh).</summary>
    public const string RoundcubeUrl = "http://127.0.0.1:8080/roundcube/";

    /// <summary>The seeded mailbox's attachments, byte for byte (scripts/install-roundcube.sh writes them).</summary>
    public const string RoundcubeOriginals = "/var/lib/webknock-test";

    private static readonly Lazy<string?> Browser = new(FindBrowser);
    private static readonly Lazy<string?> Roundcube = new(FindRoundcube);

    public static string? SkipReason => Browser.Value;

    public static string? RoundcubeSkipReason => Roundcube.Value;

    private static string? FindBrowser()
    {
        if (!File.Exists(NamespaceBrowser.Chromium))
        {
            return $"Debian's Chromium is not installed at {NamespaceBrowser.Chromium} (apt-get install chromium, or bash scripts/install-deps.sh test).";
        }

        var driver = Path.Combine(Path.GetDirectoryName(typeof(BrowserRequirements).Assembly.Location)!, ".playwright", "node");
        return System.IO.Directory.Exists(driver)
            ? null
            : $"The Playwright driver is missing from the build output ({driver}); the Microsoft.Playwright package puts it there at build.";
    }

    private static string? FindRoundcube()
    {
        // Set by scripts/test.sh when scripts/install-roundcube.sh failed (or was made to fail, to test the script):
        // the tests skip with that reason, and a strict run fails naming them.
        if (Environment.GetEnvironmentVariable("WEBKNOCK_ROUNDCUBE_UNAVAILABLE") is { Length: > 0 } unavailable)
        {
            return $"Roundcube is not installed: {unavailable}.";
        }

        try
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            using var response = client.Send(new HttpRequestMessage(HttpMethod.Get, RoundcubeUrl));
            using var reader = new StreamReader(response.Content.ReadAsStream());
            if (response.StatusCode != HttpStatusCode.OK || !reader.ReadToEnd().Contains("rcmloginuser", StringComparison.Ordinal))
            {
                return $"No Roundcube login page at {RoundcubeUrl} (HTTP {(int)response.StatusCode}); run scripts/install-roundcube.sh as root.";
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            return $"Roundcube is not reachable at {RoundcubeUrl} ({e.Message}); run scripts/install-roundcube.sh as root.";
        }

        foreach (var name in new[] { "report.html", "data.bin" })
        {
            if (!File.Exists(Path.Combine(RoundcubeOriginals, name)))
            {
                return $"{RoundcubeOriginals}/{name} is missing: alice's mailbox is not seeded; run scripts/install-roundcube.sh as root.";
            }
        }

        return null;
    }
}
