using System.Buffers;
using System.IO.Pipelines;

namespace WebKnock.Proxy.Body;

/// <summary>
/// The rewriting path of one response body: optional decoding, the marker watch and the
/// injection, written to the server's own writer. It flushes when the caller flushes and after every
/// <see cref="FlushEvery"/> bytes, so a small page costs one flush and a large one stays bounded.
/// </summary>
internal sealed class BodyTransform : IAsyncDisposable
{
    // Large writes are cut up so that no buffer on the way grows with the caller's write.
    private const int SliceSize = 16 * 1024;
    private const int FlushEvery = 32 * 1024;

    private readonly PipeWriter _output;
    private readonly TagInjector? _injector;
    private readonly MarkerScanner? _scanner;
    private readonly ContentDecoder? _decoder;
    private int _unflushed;

    public BodyTransform(BodyPlan plan, ContentCoding coding, PipeWriter output, CancellationToken aborted)
    {
        _output = output;
        _injector = plan.HasInjection ? new TagInjector(plan.Injection!) : null;
        _scanner = plan.HasMarker ? new MarkerScanner(plan.WatchMarker!) : null;
        _decoder = coding == ContentCoding.Identity ? null : new ContentDecoder(coding, ProcessAsync, aborted);
    }

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (!data.IsEmpty)
        {
            var slice = data[..Math.Min(SliceSize, data.Length)];
            data = data[slice.Length..];
            if (_decoder is null)
            {
                await ProcessAsync(slice, cancellationToken);
            }
            else
            {
                await _decoder.WriteAsync(slice, cancellationToken);
            }
        }
    }

    /// <summary>Writes a file range through the transform, as a server's send-file fallback would.</summary>
    public async Task WriteFileAsync(string path, long offset, long? count, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(
            path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset, file.Length);
        file.Seek(offset, SeekOrigin.Begin);
        long remaining = count ?? file.Length - offset;
        byte[] block = ArrayPool<byte>.Shared.Rent(SliceSize);
        try
        {
            while (remaining > 0)
            {
                int read = await file.ReadAsync(block.AsMemory(0, (int)Math.Min(SliceSize, remaining)), cancellationToken);
                if (read == 0)
                {
                    throw new EndOfStreamException($"The file ended {remaining} bytes before the requested range.");
                }

                await WriteAsync(block.AsMemory(0, read), cancellationToken);
                remaining -= read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(block);
        }
    }

    /// <summary>Ends the body: drains the decoder and releases (with the injection) what was held.</summary>
    public async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        if (_decoder is not null)
        {
            await _decoder.CompleteAsync();
        }

        _injector?.Complete(_output);
        _unflushed = 0;
        await _output.FlushAsync(cancellationToken);
    }

    public void Report(BodyOutcome outcome)
    {
        outcome.Injected = _injector?.Injected ?? false;
        outcome.MarkerSeen = _scanner?.Seen ?? false;
        outcome.Decoded = _decoder is not null;
        outcome.MaxHeldBytes = _injector?.MaxHeldBytes ?? 0;
    }

    public ValueTask DisposeAsync() => _decoder?.DisposeAsync() ?? ValueTask.CompletedTask;

    // Plain (decoded) bytes; called by the decoder's task when decoding, else by the writer.
    private async ValueTask ProcessAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        _scanner?.Scan(data.Span);
        if (_injector is null)
        {
            _output.Write(data.Span);
        }
        else
        {
            _injector.Write(data.Span, _output);
        }

        _unflushed += data.Length;
        if (_unflushed >= FlushEvery)
        {
            _unflushed = 0;
            await _output.FlushAsync(cancellationToken);
        }
    }

    /// <summary>The caller flushed: send what is written (held bytes stay held). With a decoder, its task writes and flushes.</summary>
    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (_decoder is null && _unflushed > 0)
        {
            _unflushed = 0;
            await _output.FlushAsync(cancellationToken);
        }
    }
}
