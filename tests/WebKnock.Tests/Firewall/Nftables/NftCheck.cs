using System.Diagnostics;

namespace WebKnock.Firewall.Nftables.Tests;

/// <summary>A fact that needs <c>nft -c</c>: root and the nft program. Skipped with the reason otherwise.</summary>
public sealed class NftCheckFactAttribute : FactAttribute
{
    public NftCheckFactAttribute()
    {
        Skip = NftCheck.SkipReason;
    }
}

/// <summary>Checks a ruleset with <c>nft -c -f</c> in a fresh, empty network namespace (nothing is committed anywhere).</summary>
internal static class NftCheck
{
    public static string? SkipReason { get; } = FindSkipReason();

    public static (int ExitCode, string Errors) Check(string ruleset)
    {
        var file = Path.Combine(Path.GetTempPath(), $"wk-check-{Guid.NewGuid():N}.nft");
        File.WriteAllText(file, ruleset);
        try
        {
            var start = new ProcessStartInfo("unshare", ["--net", "nft", "-c", "-f", file])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            };
            using var process = Process.Start(start)!;
            var errors = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, errors.Result);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static string? FindSkipReason()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "nft runs on Linux only.";
        }

        if (Environment.UserName != "root" && Environment.GetEnvironmentVariable("USER") != "root")
        {
            return "nft -c needs root (CAP_NET_ADMIN) to ask the kernel.";
        }

        string[] dirs = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Concat(["/usr/sbin", "/sbin"]).ToArray();
        foreach (var program in new[] { "nft", "unshare" })
        {
            if (!dirs.Any(d => File.Exists(Path.Combine(d, program))))
            {
                return $"The {program} program is not installed (package {(program == "nft" ? "nftables" : "util-linux")}).";
            }
        }

        return null;
    }
}
