using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;

namespace WebKnock.Webmail;

/// <summary>
/// Reads a small url-encoded form (a login, a logout, an AJAX post) for classification, never more than a fixed
/// number of bytes, whether the body is sized or chunked, and leaves the body whole for the upstream.
/// </summary>
internal static class SmallForm
{
    /// <summary>
    /// The form, or null when the body is not url-encoded, is larger than <paramref name="limit"/> bytes (its
    /// Content-Length says so, or it goes on past the limit) or is malformed. The bytes read are given back:
    /// the upstream reads the same body from its start.
    /// </summary>
    public static async Task<IFormCollection?> ReadAsync(HttpRequest request, int limit)
    {
        if (!request.ContentType.AsSpan().TrimStart().StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)
            || request.ContentLength is { } length && (length <= 0 || length > limit))
        {
            return null;
        }

        var original = request.Body;
        var buffer = new byte[request.ContentLength is { } known ? known : Math.Min(limit + 1, 4096)];
        var total = 0;
        while (true)
        {
            if (total == buffer.Length)
            {
                if (total > limit)
                {
                    break;
                }

                Array.Resize(ref buffer, Math.Min(buffer.Length * 2, limit + 1));
            }

            var n = await original.ReadAsync(buffer.AsMemory(total), request.HttpContext.RequestAborted);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        if (total > limit)
        {
            // Chunked and too large: the upstream gets what was read, then the rest.
            request.Body = new PrefixedStream(buffer.AsMemory(0, total), original);
            return null;
        }

        request.Body = new MemoryStream(buffer, 0, total, writable: false);
        try
        {
            var fields = new FormReader(System.Text.Encoding.UTF8.GetString(buffer, 0, total)).ReadForm();
            var form = new FormCollection(fields);
            request.HttpContext.Features.Set<IFormFeature>(new FormFeature(form));
            return form;
        }
        catch (InvalidDataException)
        {
            return null; // malformed form: the upstream will refuse it
        }
    }

    /// <summary>Bytes already read, then the rest of the original body.</summary>
    private sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream rest) : Stream
    {
        private ReadOnlyMemory<byte> _prefix = prefix;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_prefix.IsEmpty)
            {
                return await rest.ReadAsync(buffer, cancellationToken);
            }

            var n = Math.Min(buffer.Length, _prefix.Length);
            _prefix[..n].CopyTo(buffer);
            _prefix = _prefix[n..];
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
