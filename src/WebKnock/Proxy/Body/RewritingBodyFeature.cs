using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;

namespace WebKnock.Proxy.Body;

/// <summary>
/// Stands in for the server's <see cref="IHttpResponseBodyFeature"/> during one response, as
/// aspnetcore's response compression does: decides once, when the response starts, whether to
/// rewrite, and otherwise hands every byte to the server untouched.
/// </summary>
internal sealed class RewritingBodyFeature : IHttpResponseBodyFeature, IAsyncDisposable
{
    private readonly HttpContext _context;
    private readonly IHttpResponseBodyFeature _inner;
    private readonly Func<HttpContext, BodyPlan> _planner;
    private readonly RewritingBodyStream _stream;
    private PipeWriter? _writer;
    private BodyTransform? _transform; // null: pass through
    private bool _decided;
    private bool _startPending; // a transform was chosen and the server's response not started yet
    private bool _finished;

    public RewritingBodyFeature(HttpContext context, IHttpResponseBodyFeature inner, Func<HttpContext, BodyPlan> planner)
    {
        _context = context;
        _inner = inner;
        _planner = planner;
        _stream = new RewritingBodyStream(this);
    }

    public BodyOutcome Outcome { get; } = new();

    public Stream Stream => _stream;

    // Writer calls end up in the stream, so both ways of writing share one path and one order.
    public PipeWriter Writer => _writer ??= PipeWriter.Create(_stream, new StreamPipeWriterOptions(leaveOpen: true));

    public void DisableBuffering() => _inner.DisableBuffering();

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        Decide(hasBody: true);
        _startPending = false;
        await _inner.StartAsync(cancellationToken);
    }

    public async Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default)
    {
        await BeginBodyAsync(cancellationToken);
        if (_transform is null)
        {
            await _inner.SendFileAsync(path, offset, count, cancellationToken);
            return;
        }

        await _transform.WriteFileAsync(path, offset, count, cancellationToken);
    }

    public async Task CompleteAsync()
    {
        await FinishAsync();
        await _inner.CompleteAsync();
    }

    /// <summary>
    /// Ends the body after the pipeline has returned: flushes the writer, decides if the response
    /// never started (an empty body) and releases whatever the rewriting held. Runs once.
    /// </summary>
    public async Task FinishAsync()
    {
        if (_finished)
        {
            return;
        }

        _finished = true;
        if (_writer is not null)
        {
            await _writer.CompleteAsync();
        }

        Decide(hasBody: false);
        if (_transform is not null)
        {
            await _transform.CompleteAsync(_context.RequestAborted);
            _transform.Report(Outcome);
        }
    }

    public ValueTask DisposeAsync() => _transform?.DisposeAsync() ?? ValueTask.CompletedTask;

    internal async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        await BeginBodyAsync(cancellationToken);
        if (_transform is null)
        {
            await _inner.Stream.WriteAsync(data, cancellationToken);
        }
        else
        {
            await _transform.WriteAsync(data, cancellationToken);
        }
    }

    internal void Write(ReadOnlySpan<byte> data)
    {
        Decide(hasBody: true);
        if (_transform is null)
        {
            _inner.Stream.Write(data); // the server applies its own rules on synchronous writes
            return;
        }

        EnsureSynchronousIOAllowed();
        WriteAsync(data.ToArray(), CancellationToken.None).AsTask().GetAwaiter().GetResult();
    }

    internal async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        await BeginBodyAsync(cancellationToken);
        if (_transform is null)
        {
            await _inner.Stream.FlushAsync(cancellationToken);
        }
        else
        {
            await _transform.FlushAsync(cancellationToken); // what it holds back stays held
        }
    }

    internal void Flush()
    {
        Decide(hasBody: true);
        if (_transform is null)
        {
            _inner.Stream.Flush();
            return;
        }

        EnsureSynchronousIOAllowed();
        FlushAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
    }

    private ValueTask BeginBodyAsync(CancellationToken cancellationToken)
    {
        Decide(hasBody: true);
        if (!_startPending)
        {
            return ValueTask.CompletedTask;
        }

        // Rewritten output may be held back a while: start the response now, as the caller expects.
        _startPending = false;
        return new ValueTask(_inner.StartAsync(cancellationToken));
    }

    private void Decide(bool hasBody)
    {
        if (_decided)
        {
            return;
        }

        _decided = true;
        var plan = _planner(_context);
        if (RewriteEligibility.Evaluate(_context, plan, hasBody) is not { } coding)
        {
            return;
        }

        RewriteEligibility.PrepareHeaders(_context.Response, plan, coding);
        _transform = new BodyTransform(plan, coding, _inner.Writer, _context.RequestAborted);
        _startPending = true;
    }

    private void EnsureSynchronousIOAllowed()
    {
        if (_context.Features.Get<IHttpBodyControlFeature>() is { AllowSynchronousIO: false })
        {
            throw new InvalidOperationException(
                "Synchronous operations are disallowed. Call WriteAsync or set AllowSynchronousIO to true instead.");
        }
    }
}
