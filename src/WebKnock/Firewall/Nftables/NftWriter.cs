using System.Text;
using System.Threading.Channels;

namespace WebKnock.Firewall.Nftables;

/// <summary>
/// The only user of the libnftables context: a queue drained by one loop. Element changes that are queued
/// together run as one buffer (one transaction, one netlink round trip); if that batch fails, each change
/// runs alone so that only the faulty one fails.
/// </summary>
internal sealed class NftWriter : IAsyncDisposable, IDisposable
{
    private const int MaxBatch = 1000;

    private readonly Channel<Request> _queue = Channel.CreateUnbounded<Request>(new() { SingleReader = true });
    private readonly Func<NftContext> _contextFactory;
    private readonly Task _loop;
    private NftContext? _context;

    public NftWriter()
        : this(() => new NftContext())
    {
    }

    internal NftWriter(Func<NftContext> contextFactory)
    {
        _contextFactory = contextFactory;
        _loop = Task.Run(RunLoopAsync);
    }

    /// <summary>Number of buffers handed to libnftables (batches count once).</summary>
    public long Runs { get; private set; }

    /// <summary>Runs <paramref name="commands"/> alone, as one transaction.</summary>
    public Task<string> RunAsync(string commands, bool json = false, CancellationToken cancellationToken = default)
        => Enqueue(new Request(commands, json, Batchable: false), cancellationToken);

    /// <summary>Runs <paramref name="commands"/> (which print nothing) in one transaction with whatever else is queued.</summary>
    public Task RunBatchedAsync(string commands, CancellationToken cancellationToken = default)
        => Enqueue(new Request(commands, Json: false, Batchable: true), cancellationToken);

    private Task<string> Enqueue(Request request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!_queue.Writer.TryWrite(request))
        {
            throw new ObjectDisposedException(nameof(NftWriter));
        }

        // A cancelled caller stops waiting; the change itself is not taken back once queued.
        return request.Completion.Task.WaitAsync(cancellationToken);
    }

    private async Task RunLoopAsync()
    {
        var batch = new List<Request>();
        Request? carried = null;
        while (carried is not null || await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            var first = carried ?? (_queue.Reader.TryRead(out var r) ? r : null);
            carried = null;
            if (first is null)
            {
                continue;
            }

            if (!first.Batchable)
            {
                Execute(first);
                continue;
            }

            batch.Clear();
            batch.Add(first);
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var next))
            {
                if (!next.Batchable)
                {
                    carried = next;
                    break;
                }

                batch.Add(next);
            }

            ExecuteBatch(batch);
        }
    }

    private void ExecuteBatch(List<Request> batch)
    {
        if (batch.Count == 1)
        {
            Execute(batch[0]);
            return;
        }

        var buffer = new StringBuilder();
        foreach (var request in batch)
        {
            buffer.Append(request.Commands).Append('\n');
        }

        try
        {
            Run(buffer.ToString(), json: false);
            foreach (var request in batch)
            {
                request.Completion.TrySetResult("");
            }
        }
        catch (Exception)
        {
            // One bad element spoils the whole transaction: find it by running each alone.
            foreach (var request in batch)
            {
                Execute(request);
            }
        }
    }

    private void Execute(Request request)
    {
        try
        {
            request.Completion.TrySetResult(Run(request.Commands, request.Json));
        }
        catch (Exception e)
        {
            request.Completion.TrySetException(e);
        }
    }

    private string Run(string commands, bool json)
    {
        _context ??= _contextFactory();
        Runs++;
        return _context.Run(commands, json);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        _context?.Dispose();
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _loop.GetAwaiter().GetResult();
        _context?.Dispose();
    }

    private sealed record Request(string Commands, bool Json, bool Batchable)
    {
        public TaskCompletionSource<string> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
