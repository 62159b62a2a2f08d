using System.Buffers;
using System.IO.Compression;
using System.IO.Pipelines;
using Microsoft.Extensions.Primitives;

namespace WebKnock.Proxy.Body;

/// <summary>
/// Streaming decompression: compressed chunks are written to a bounded pipe, and a background
/// task decompresses them and hands each decoded block to a sink, in order. Memory stays at the
/// pipe's pause threshold plus one block, however long the body.
/// </summary>
internal sealed class ContentDecoder : IAsyncDisposable
{
    private const int BlockSize = 16 * 1024;

    private readonly Pipe _pipe = new(new PipeOptions(
        pauseWriterThreshold: 32 * 1024,
        resumeWriterThreshold: 16 * 1024,
        useSynchronizationContext: false));

    private readonly Task _pump;
    private bool _completed;

    public ContentDecoder(
        ContentCoding coding, Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> sink, CancellationToken cancellationToken)
    {
        if (coding == ContentCoding.Identity)
        {
            throw new ArgumentOutOfRangeException(nameof(coding), "Identity needs no decoder.");
        }

        _pump = Task.Run(() => PumpAsync(coding, sink, cancellationToken), CancellationToken.None);
    }

    /// <summary>
    /// Reads a Content-Encoding header. False for codings other than one of gzip, deflate and br
    /// (including several stacked codings), which cannot be decoded here.
    /// </summary>
    public static bool TryParseCoding(StringValues header, out ContentCoding coding)
    {
        coding = ContentCoding.Identity;
        if (StringValues.IsNullOrEmpty(header))
        {
            return true;
        }

        if (header.Count != 1 || header[0]!.Contains(','))
        {
            return false;
        }

        var value = header[0]!.Trim();
        if (value.Length == 0 || value.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        coding = value.ToLowerInvariant() switch
        {
            "gzip" or "x-gzip" => ContentCoding.Gzip,
            "deflate" => ContentCoding.Deflate,
            "br" => ContentCoding.Brotli,
            _ => ContentCoding.Identity,
        };
        return coding != ContentCoding.Identity;
    }

    /// <summary>Queues compressed bytes; waits while the decoder is behind; rethrows its failure.</summary>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> compressed, CancellationToken cancellationToken)
    {
        var result = await _pipe.Writer.WriteAsync(compressed, cancellationToken);
        if (result.IsCompleted)
        {
            // The decoder stopped reading: it failed (rethrown here) or the stream ended early,
            // in which case the remaining bytes are trailing garbage and are dropped.
            await _pump;
        }
    }

    /// <summary>Ends the compressed input and waits until every decoded byte has reached the sink.</summary>
    public async ValueTask CompleteAsync()
    {
        if (!_completed)
        {
            _completed = true;
            await _pipe.Writer.CompleteAsync();
        }

        await _pump;
    }

    /// <summary>Stops the decoder without waiting for the sink, after a failed response.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_completed)
        {
            _completed = true;
            await _pipe.Writer.CompleteAsync(new OperationCanceledException("The response ended before its body."));
        }

        try
        {
            await _pump;
        }
        catch (Exception)
        {
            // Already surfaced to the writer, or the response is being abandoned anyway.
        }
    }

    private async Task PumpAsync(
        ContentCoding coding, Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> sink, CancellationToken cancellationToken)
    {
        var reader = _pipe.Reader;
        byte[] block = ArrayPool<byte>.Shared.Rent(BlockSize);
        try
        {
            bool zlib = coding == ContentCoding.Deflate && await StartsWithZlibHeaderAsync(reader, cancellationToken);
            await using var source = reader.AsStream(leaveOpen: true);
            await using Stream decoded = coding switch
            {
                ContentCoding.Gzip => new GZipStream(source, CompressionMode.Decompress),
                ContentCoding.Brotli => new BrotliStream(source, CompressionMode.Decompress),
                _ when zlib => new ZLibStream(source, CompressionMode.Decompress),
                _ => new DeflateStream(source, CompressionMode.Decompress),
            };

            int read;
            while ((read = await decoded.ReadAsync(block.AsMemory(0, BlockSize), cancellationToken)) > 0)
            {
                await sink(block.AsMemory(0, read), cancellationToken);
            }

            await reader.CompleteAsync();
        }
        catch (Exception exception)
        {
            await reader.CompleteAsync(exception);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(block);
        }
    }

    // HTTP's "deflate" is the zlib format, but some servers send raw deflate: tell them apart
    // by the zlib header (compression method 8 and a check value divisible by 31).
    private static async Task<bool> StartsWithZlibHeaderAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            if (buffer.Length >= 2 || result.IsCompleted)
            {
                bool zlib = false;
                if (buffer.Length >= 2)
                {
                    Span<byte> header = stackalloc byte[2];
                    buffer.Slice(0, 2).CopyTo(header);
                    zlib = (header[0] & 0x0F) == 8 && ((header[0] << 8) | header[1]) % 31 == 0;
                }

                reader.AdvanceTo(buffer.Start);
                return zlib;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }
}
