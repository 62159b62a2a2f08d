namespace WebKnock.NetworkTests.Infrastructure;

/// <summary>Like <see cref="NmapFactAttribute"/>, and also needs Debian's OpenSSH server and client.</summary>
public sealed class SshFactAttribute : FactAttribute
{
    public SshFactAttribute()
    {
        Skip = NetworkRequirements.SkipReason
            ?? (Shell.Which("nmap") is null ? "nmap is not installed (package nmap)." : null)
            ?? SshServer.MissingReason;
    }
}
