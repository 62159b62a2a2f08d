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

    /// <summary>The kernel refused: not root, no CAP_NET_ADMIN in this namespace.</summary>
    public bool IsNotPermitted => Message.Contains("Operation not permitted", StringComparison.Ordinal);

    /// <summary>
    /// A set is full (its <c>size</c> reached). The kernel says ENFILE, which nft prints as
    /// "Too many open files in system".
    /// </summary>
    public bool IsSetFull => Message.Contains("Too many open files in system", StringComparison.Ordinal);
}
