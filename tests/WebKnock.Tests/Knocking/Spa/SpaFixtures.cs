using System.Diagnostics;
using System.Text.Json;
using WebKnock.Knocking.Users;

namespace WebKnock.Knocking.Spa.Tests;

/// <summary>Packets captured from Debian's fwknop-client 2.6.10 (Fixtures/*.json), with their keys.</summary>
internal static class SpaFixtures
{
    private static readonly Lazy<JsonElement> Root = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Knocking", "Spa", "Fixtures", "fwknop-2.6.10-packets.json"))).RootElement);

    public static string Key => Root.Value.GetProperty("key").GetString()!;

    public static string HmacKey => Root.Value.GetProperty("hmacKey").GetString()!;

    public static string OtherKey => Root.Value.GetProperty("otherKey").GetString()!;

    /// <summary>When the packets were made (their timestamps are this, give or take a second).</summary>
    public static DateTimeOffset CreatedAt => DateTimeOffset.FromUnixTimeSeconds(Root.Value.GetProperty("createdAt").GetInt64());

    public static JsonElement Packet(string name) => Root.Value.GetProperty("packets").EnumerateArray().Single(p => p.GetProperty("name").GetString() == name);

    public static byte[] Bytes(string name) => System.Text.Encoding.ASCII.GetBytes(Packet(name).GetProperty("packet").GetString()!);

    public static IEnumerable<string> Names => Root.Value.GetProperty("packets").EnumerateArray().Select(p => p.GetProperty("name").GetString()!);

    public static KnockUser User(string name = "alice", bool enabled = true, bool mayRequestOtherAddress = false, string? key = null)
        => new(name, enabled, [], Convert.FromBase64String(key ?? Key), Convert.FromBase64String(HmacKey), mayRequestOtherAddress);
}

/// <summary>Runs Debian's fwknop client (when installed) to build a packet without sending it.</summary>
internal static class FwknopClient
{
    public const string Path = "/usr/bin/fwknop";

    public static bool Installed => File.Exists(Path);

    /// <summary>The packet the client builds for these arguments (keys, HMAC and the server are added).</summary>
    public static byte[] Build(string key, string hmacKey, params string[] arguments)
    {
        var home = Directory.CreateTempSubdirectory("wk-fwknop-");
        try
        {
            var file = System.IO.Path.Combine(home.FullName, "packet");
            var start = new ProcessStartInfo(Path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { "--no-save-args", "--test", "-D", "198.51.100.1", "--use-hmac", "--key-base64-rijndael", key, "--key-base64-hmac", hmacKey, "-B", file }.Concat(arguments))
            {
                start.ArgumentList.Add(a);
            }

            start.Environment["HOME"] = home.FullName; // the client writes ~/.fwknoprc on its first run
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEnd();
            if (!process.WaitForExit(10_000) || process.ExitCode != 0)
            {
                throw new InvalidOperationException($"fwknop failed ({process.ExitCode}): {error} {output.Result}");
            }

            return File.ReadAllBytes(file);
        }
        finally
        {
            home.Delete(recursive: true);
        }
    }
}

internal sealed class FwknopFactAttribute : FactAttribute
{
    public FwknopFactAttribute()
    {
        if (!FwknopClient.Installed)
        {
            Skip = $"needs Debian's fwknop client at {FwknopClient.Path} (bash scripts/install-deps.sh test); the captured fixtures cover the format";
        }
    }
}
