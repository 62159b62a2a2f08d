namespace WebKnock.Firewall.Nftables;

/// <summary>libnftables refused a command; <see cref="Exception.Message"/> carries nft's own error text.</summary>
public sealed class NftablesException : Exception
{
    public NftablesException(string message, string commands)
        : base(message)
    {
        Commands = commands;
    }

    public NftablesException(string message, Exception innerException)
        : base(message, innerException)
    {
        Commands = "";
    }

    /// <summary>The command buffer that failed (addresses in it are canonical, never host names).</summary>
    public string Commands { get; }

    /// <summary>nft reports an absent table, chain, set or element as ENOENT.</summary>
    public bool IsNotFound => Message.Contains("No such file or directory", StringComparison.Ordinal);
}
