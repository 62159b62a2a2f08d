namespace WebKnock.NetworkTests.Infrastructure;

/// <summary>
/// A fact that needs root, <c>ip netns</c> and <c>nft</c>. Skipped with the reason where they are missing.
/// </summary>
public sealed class NetworkFactAttribute : FactAttribute
{
    public NetworkFactAttribute()
    {
        Skip = NetworkRequirements.SkipReason;
    }
}

/// <summary>Like <see cref="NetworkFactAttribute"/>, and also needs <c>nmap</c>.</summary>
public sealed class NmapFactAttribute : FactAttribute
{
    public NmapFactAttribute()
    {
        Skip = NetworkRequirements.SkipReason ?? (Shell.Which("nmap") is null ? "nmap is not installed (package nmap)." : null);
    }
}

public static class NetworkRequirements
{
    private static readonly Lazy<string?> Reason = new(Find);

    public static string? SkipReason => Reason.Value;

    private static string? Find()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "Network namespaces exist on Linux only.";
        }

        if (Environment.UserName != "root")
        {
            return "Needs root to create network namespaces and load nftables rules (run the tests as root, as CI does).";
        }

        foreach (var (program, package) in new[] { ("ip", "iproute2"), ("nft", "nftables") })
        {
            if (Shell.Which(program) is null)
            {
                return $"The {program} program is not installed (package {package}).";
            }
        }

        if (!File.Exists("/usr/lib/x86_64-linux-gnu/libnftables.so.1") && !File.Exists("/usr/lib/aarch64-linux-gnu/libnftables.so.1")
            && !File.Exists("/usr/lib/libnftables.so.1") && !File.Exists("/usr/lib64/libnftables.so.1"))
        {
            return "libnftables.so.1 is not installed (package libnftables1).";
        }

        // The real test: can this machine make a namespace at all (containers often cannot)?
        var probe = $"wk-p-{Guid.NewGuid().ToString("N")[..8]}";
        var added = Shell.RunAsync("ip", "netns", "add", probe).GetAwaiter().GetResult();
        if (added.ExitCode != 0)
        {
            return $"ip netns add fails here: {added.Error.Trim()}";
        }

        Shell.RunAsync("ip", "netns", "del", probe).GetAwaiter().GetResult();
        return null;
    }
}
