using System.Runtime.InteropServices;

namespace WebKnock.Firewall.Nftables;

/// <summary>Runs nft command buffers: a libnftables context, or a stand-in in tests.</summary>
internal interface INftRunner : IDisposable
{
    /// <summary>Runs a command buffer as one transaction and returns what nft printed; throws <see cref="NftablesException"/>.</summary>
    string Run(string commands, bool json = false, bool terse = false);
}

/// <summary>
/// One libnftables context with buffered output and errors. Not thread-safe (neither is libnftables):
/// <see cref="NftWriter"/> is its only user.
/// </summary>
internal sealed class NftContext : INftRunner
{
    private readonly NftContextHandle _handle;

    public NftContext()
    {
        try
        {
            _handle = LibNftables.CtxNew(0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            throw new NftablesException("libnftables.so.1 could not be loaded: install the libnftables1 package.", e);
        }

        if (_handle.IsInvalid)
        {
            throw new NftablesException("nft_ctx_new failed.", "");
        }

        LibNftables.CtxBufferOutput(_handle);
        LibNftables.CtxBufferError(_handle);
    }

    /// <summary>Runs a command buffer as one transaction and returns what nft printed.</summary>
    /// <param name="commands">nft commands, one per line.</param>
    /// <param name="json">Print listings as JSON.</param>
    /// <param name="terse">Leave set elements out of listings.</param>
    public string Run(string commands, bool json = false, bool terse = false)
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        LibNftables.CtxOutputSetFlags(_handle, (json ? LibNftables.OutputJson : 0) | (terse ? LibNftables.OutputTerse : 0));
        var rc = LibNftables.RunCmdFromBuffer(_handle, commands);

        // Reading a buffer also rewinds it, so both are read after every run.
        var output = Marshal.PtrToStringUTF8(LibNftables.CtxGetOutputBuffer(_handle)) ?? "";
        var error = Marshal.PtrToStringUTF8(LibNftables.CtxGetErrorBuffer(_handle)) ?? "";
        if (rc != 0)
        {
            var text = error.Trim();
            throw new NftablesException(text.Length > 0 ? text : $"nft failed with {rc}.", commands);
        }

        return output;
    }

    public void Dispose() => _handle.Dispose();
}
