namespace WebKnock.Proxy.Body;

/// <summary>The content codings the rewriter can read (see <see cref="ContentDecoder.TryParseCoding"/>).</summary>
internal enum ContentCoding
{
    Identity,
    Gzip,
    Deflate,
    Brotli,
}
