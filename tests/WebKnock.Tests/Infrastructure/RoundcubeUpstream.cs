namespace WebKnock.Tests.Infrastructure;

/// <summary>
/// The real Roundcube that scripts/install-roundcube.sh sets up: Apache on 127.0.0.1:8080 (or
/// WEBKNOCK_ROUNDCUBE_URL), Roundcube under /roundcube/, users alice and bob, and alice's INBOX seeded
/// with known attachments whose bytes lie in /var/lib/webknock-test/.
/// </summary>
internal static class RoundcubeUpstream
{
    public const string Path = "/roundcube/";

    /// <summary>The seeded message with an HTML attachment (part 2) and a binary one (part 3).</summary>
    public const int ReportUid = 2;

    public const string ExpectedDirectory = "/var/lib/webknock-test";

    private static readonly Lazy<string?> Probe = new(ProbeOnce);

    public static Uri BaseUri { get; } = new(Environment.GetEnvironmentVariable("WEBKNOCK_ROUNDCUBE_URL") is { Length: > 0 } url ? url : "http://127.0.0.1:8080/");

    /// <summary>Why the Roundcube tests cannot run here, or null when they can.</summary>
    public static string? SkipReason => Probe.Value;

    public static byte[] Expected(string name) => File.ReadAllBytes(System.IO.Path.Combine(ExpectedDirectory, name));

    /// <summary>
    /// The whole gateway in front of Roundcube. The settings override the harness's upstream, so the
    /// harness's own SquirrelMail fixture runs beside it unused.
    /// </summary>
    public static Task<GatewayHarness> StartGatewayAsync(IDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["WebKnock:Upstream:Url"] = BaseUri.ToString(),
            ["WebKnock:Upstream:Profile"] = "Roundcube",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        return GatewayHarness.StartAsync(all);
    }

    /// <summary>A client straight to Apache, around the gateway: to act on a session behind its back, or to compare bytes.</summary>
    public static HttpClient Direct() => new(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = BaseUri };

    private static string? ProbeOnce()
    {
        // Set by scripts/test.sh when scripts/install-roundcube.sh failed (or was made to fail, to test the script).
        if (Environment.GetEnvironmentVariable("WEBKNOCK_ROUNDCUBE_UNAVAILABLE") is { Length: > 0 } unavailable)
        {
            return $"Roundcube is not installed: {unavailable}";
        }

        var login = new Uri(BaseUri, Path);
        try
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            using var response = client.Send(new HttpRequestMessage(HttpMethod.Get, login));
            using var reader = new StreamReader(response.Content.ReadAsStream());
            var page = reader.ReadToEnd();
            if (response.StatusCode != System.Net.HttpStatusCode.OK || !page.Contains("rcmail", StringComparison.Ordinal))
            {
                return $"no Roundcube login page at {login} (HTTP {(int)response.StatusCode}); run scripts/install-roundcube.sh as root";
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            return $"Roundcube is not reachable at {login} ({ex.Message}); run scripts/install-roundcube.sh as root";
        }

        foreach (var name in new[] { "report.html", "data.bin" })
        {
            if (!File.Exists(System.IO.Path.Combine(ExpectedDirectory, name)))
            {
                return $"{ExpectedDirectory}/{name} is missing: alice's mailbox is not seeded; run scripts/install-roundcube.sh as root";
            }
        }

        return null;
    }
}

/// <summary>A fact that runs against the real Roundcube, and skips, saying why, where there is none.</summary>
internal sealed class RoundcubeFactAttribute : FactAttribute
{
    public RoundcubeFactAttribute()
    {
        if (RoundcubeUpstream.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>A theory that runs against the real Roundcube, and skips, saying why, where there is none.</summary>
internal sealed class RoundcubeTheoryAttribute : TheoryAttribute
{
    public RoundcubeTheoryAttribute()
    {
        if (RoundcubeUpstream.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
