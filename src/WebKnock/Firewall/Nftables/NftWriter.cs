using System.Text;

namespace WebKnock.Firewall.Nftables;

/// <summary>
/// A change to one element of a set: present with <see cref="Timeout"/> (added, or its timeout replaced), or,
/// when <see cref="Timeout"/> is null, absent. <see cref="Address"/> is already in nft's canonical form.
/// </summary>
internal readonly record struct NftElementChange(string Table, string Set, string Address, TimeSpan? Timeout);

/// <summary>
/// The only user of the libnftables context, one request at a time: a request made while the context is free runs at
/// once on the caller's thread; one made while it is busy queues, and the queue is drained by one loop on a thread of
/// its own. Changes that are queued together run
/// as one buffer (one transaction, one netlink round trip); if that batch fails, each change runs alone so that
/// only the faulty one fails. Element changes (<see cref="ChangeElementAsync"/>) are grouped per set into three
/// commands for the whole batch, whatever its size: libnftables spends most of its time per command, not per
/// element (one command per element managed about 6,000 opens/s; grouped, well over 50,000).
/// </summary>
internal sealed partial class NftWriter : IAsyncDisposable, IDisposable
{
    /// <summary>Most text commands run in one transaction.</summary>
    public const int MaxBatch = 1000;

    /// <summary>Most element changes run in one transaction (bounds the wait of a change queued behind a batch).</summary>
    public const int MaxElementBatch = 8192;

    private readonly Queue<Request> _queue = new();
    private readonly object _queueLock = new(); // a Monitor, not a Lock: the loop waits on it
    private readonly Func<INftRunner> _contextFactory;
    private readonly Thread _thread;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _completed;
    private bool _busy; // the context is in use: by the loop, or by a caller running its request itself
    private INftRunner? _context;

    public NftWriter()
        : this(() => new NftContext())
    {
    }

    internal NftWriter(Func<INftRunner> contextFactory)
    {
        _contextFactory = contextFactory;
        // A thread of its own, woken directly by the one who queues: a knock's window is in the kernel one wake-up and
        // one transaction after it is queued, whatever the thread pool is busy with (a thread-pool loop took an extra
        // hop, and its tail, on every open).
        _thread = new Thread(RunLoop) { IsBackground = true, Name = "nftables writer" };
        _thread.Start();
    }

    /// <summary>Number of buffers handed to libnftables (batches count once).</summary>
    public long Runs { get; private set; }

    /// <summary>Time spent inside libnftables (parsing, the kernel's transaction, reading back).</summary>
    public TimeSpan RunTime { get; private set; }

    /// <summary>Runs <paramref name="commands"/> alone, as one transaction.</summary>
    public Task<string> RunAsync(string commands, bool json = false, CancellationToken cancellationToken = default)
        => Enqueue(new Request(commands, json, Batchable: false), cancellationToken);

    /// <summary>Runs <paramref name="commands"/> (which print nothing) in one transaction with whatever else is queued.</summary>
    public Task RunBatchedAsync(string commands, CancellationToken cancellationToken = default)
        => Enqueue(new Request(commands, Json: false, Batchable: true), cancellationToken);

    /// <summary>
    /// Makes one element present with a timeout, or absent, in one transaction with the other element changes
    /// queued. Within a batch the last change to an element decides, as if each had run in turn.
    /// </summary>
    public Task ChangeElementAsync(NftElementChange change, CancellationToken cancellationToken = default)
        => Enqueue(new Request(null, Json: false, Batchable: true) { Change = change }, cancellationToken);

    private Task<string> Enqueue(Request request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        bool inline;
        lock (_queueLock)
        {
            ObjectDisposedException.ThrowIf(_completed, this);
            inline = !_busy && _queue.Count == 0;
            if (inline)
            {
                _busy = true;
            }
            else
            {
                _queue.Enqueue(request);
                if (_queue.Count == 1)
                {
                    Monitor.Pulse(_queueLock);
                }
            }
        }

        if (inline)
        {
            // Nothing runs and nothing waits: the caller runs its own request now, without waking the loop (a knock's
            // window is in the kernel one transaction after it is decided). Requests that arrive meanwhile queue up
            // and run together after it, on the loop.
            try
            {
                Execute(request);
            }
            finally
            {
                Release();
            }
        }

        // A cancelled caller stops waiting; the change itself is not taken back once queued.
        return request.Completion.Task.WaitAsync(cancellationToken);
    }

    /// <summary>The next request, waiting for one; null once disposed and drained.</summary>
    private Request? Take()
    {
        lock (_queueLock)
        {
            while (_queue.Count == 0 || _busy)
            {
                if (_completed && _queue.Count == 0 && !_busy)
                {
                    return null;
                }

                Monitor.Wait(_queueLock);
            }

            _busy = true;
            return _queue.Dequeue();
        }
    }

    /// <summary>The next request if one is queued and it batches with the batch (same kind); never waits.</summary>
    private Request? TakeBatchable(bool elements)
    {
        lock (_queueLock)
        {
            return _queue.TryPeek(out var next) && next.Batchable && (next.Change is not null) == elements ? _queue.Dequeue() : null;
        }
    }

    /// <summary>Runs <paramref name="first"/>, with the requests queued behind it that batch with it.</summary>
    private void Run(Request first, List<Request> batch)
    {
        if (!first.Batchable)
        {
            Execute(first);
            return;
        }

        batch.Clear();
        batch.Add(first);
        var elements = first.Change is not null;
        var limit = elements ? MaxElementBatch : MaxBatch;
        while (batch.Count < limit && TakeBatchable(elements) is { } next)
        {
            batch.Add(next);
        }

        if (elements)
        {
            ExecuteElementBatch(batch);
        }
        else
        {
            ExecuteBatch(batch);
        }
    }

    /// <summary>The context is free again; the loop runs what queued meanwhile.</summary>
    private void Release()
    {
        lock (_queueLock)
        {
            _busy = false;
            Monitor.PulseAll(_queueLock);
        }
    }

    private void RunLoop()
    {
        try
        {
            var batch = new List<Request>();
            while (Take() is { } first)
            {
                try
                {
                    Run(first, batch);
                }
                finally
                {
                    Release();
                }
            }
        }
        finally
        {
            _stopped.TrySetResult();
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
            buffer.Append(request.Commands!).Append('\n');
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

    /// <summary>
    /// One transaction for many element changes, a few commands per set whatever the number of elements. The last
    /// change queued for an element wins. Portable form: add every element touched (so none is absent), delete them
    /// all, then add those that stay, each with its timeout. With <see cref="RefreshByAdd"/>: add and delete only the
    /// elements that go, and add those that stay.
    /// </summary>
    private void ExecuteElementBatch(List<Request> batch)
    {
        if (batch.Count == 1)
        {
            Execute(batch[0]);
            return;
        }

        var final = new Dictionary<(string Table, string Set), Dictionary<string, TimeSpan?>>();
        foreach (var request in batch)
        {
            var change = request.Change!.Value;
            if (!final.TryGetValue((change.Table, change.Set), out var set))
            {
                final[(change.Table, change.Set)] = set = new Dictionary<string, TimeSpan?>(StringComparer.Ordinal);
            }

            set[change.Address] = change.Timeout;
        }

        var buffer = new StringBuilder();
        foreach (var ((table, name), set) in final)
        {
            var gone = RefreshByAdd ? set.Where(e => e.Value is null).Select(e => e.Key).ToList() : [.. set.Keys];
            if (gone.Count > 0)
            {
                Command(buffer, "add", table, name).AppendJoin(", ", gone).Append(" }\n");
                Command(buffer, "delete", table, name).AppendJoin(", ", gone).Append(" }\n");
            }

            var first = true;
            foreach (var (address, timeout) in set)
            {
                if (timeout is not { } t)
                {
                    continue;
                }

                (first ? Command(buffer, "add", table, name) : buffer.Append(", "))
                    .Append(RefreshByAdd ? Refreshed(address, t) : $"{address} timeout {NftAddress.FormatTimeout(t)}");
                first = false;
            }

            if (!first)
            {
                buffer.Append(" }\n");
            }
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
            // One bad element (a full set, a set that is gone) spoils the whole transaction: run each alone, in order.
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
            var commands = request.Commands ?? Commands(request.Change!.Value, RefreshByAdd);
            request.Completion.TrySetResult(Run(commands, request.Json));
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
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            return _context.Run(commands, json);
        }
        finally
        {
            RunTime += System.Diagnostics.Stopwatch.GetElapsedTime(start);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Complete();
        await _stopped.Task.ConfigureAwait(false);
        _context?.Dispose();
    }

    public void Dispose()
    {
        Complete();
        _thread.Join();
        _context?.Dispose();
    }

    /// <summary>Takes no more requests; the loop runs those queued, then ends.</summary>
    private void Complete()
    {
        lock (_queueLock)
        {
            _completed = true;
            Monitor.PulseAll(_queueLock);
        }
    }

    private sealed record Request(string? Commands, bool Json, bool Batchable)
    {
        /// <summary>Set for an element change, which batches with other element changes only.</summary>
        public NftElementChange? Change { get; init; }

        public TaskCompletionSource<string> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
