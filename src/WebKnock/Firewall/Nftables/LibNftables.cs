using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace WebKnock.Firewall.Nftables;

/// <summary>The few entry points of libnftables that WebKnock uses (Debian's runtime package ships only the .so.1).</summary>
internal static partial class LibNftables
{
    private const string Library = "libnftables.so.1";

    /// <summary><c>NFT_CTX_OUTPUT_JSON</c>.</summary>
    public const uint OutputJson = 1 << 4;

    /// <summary><c>NFT_CTX_OUTPUT_TERSE</c>: listings without set elements.</summary>
    public const uint OutputTerse = 1 << 11;

    [LibraryImport(Library, EntryPoint = "nft_ctx_new")]
    public static partial NftContextHandle CtxNew(uint flags);

    [LibraryImport(Library, EntryPoint = "nft_ctx_free")]
    public static partial void CtxFree(nint ctx);

    [LibraryImport(Library, EntryPoint = "nft_ctx_buffer_output")]
    public static partial int CtxBufferOutput(NftContextHandle ctx);

    [LibraryImport(Library, EntryPoint = "nft_ctx_buffer_error")]
    public static partial int CtxBufferError(NftContextHandle ctx);

    [LibraryImport(Library, EntryPoint = "nft_ctx_get_output_buffer")]
    public static partial nint CtxGetOutputBuffer(NftContextHandle ctx);

    [LibraryImport(Library, EntryPoint = "nft_ctx_get_error_buffer")]
    public static partial nint CtxGetErrorBuffer(NftContextHandle ctx);

    [LibraryImport(Library, EntryPoint = "nft_ctx_output_set_flags")]
    public static partial void CtxOutputSetFlags(NftContextHandle ctx, uint flags);

    [LibraryImport(Library, EntryPoint = "nft_run_cmd_from_buffer", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int RunCmdFromBuffer(NftContextHandle ctx, string buffer);
}

/// <summary>Owns a <c>struct nft_ctx *</c>; freed exactly once.</summary>
internal sealed class NftContextHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public NftContextHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle()
    {
        LibNftables.CtxFree(handle);
        return true;
    }
}
