namespace WebKnock.Firewall.Nftables.Tests;

/// <summary>How the writer turns queued changes into libnftables transactions (a stand-in runner records them).</summary>
public sealed class NftWriterTests : IAsyncLifetime
{
    private readonly FakeRunner _runner = new();
    private NftWriter _writer = null!;

    public Task InitializeAsync()
    {
        _writer = new NftWriter(() => _runner);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _writer.DisposeAsync();

    private static NftElementChange Open(string address, int seconds = 60, string set = "webmail_allow4")
        => new("webknock", set, address, TimeSpan.FromSeconds(seconds));

    private static NftElementChange Close(string address, string set = "webmail_allow4") => new("webknock", set, address, null);

    /// <summary>
    /// Holds the writer's context in a first, unrelated command while <paramref name="queue"/> queues more behind it.
    /// The writer is free then, so that command runs on its caller's thread: a thread of its own here, not the test's.
    /// </summary>
    private async Task<Task[]> Queued(Func<Task[]> queue)
    {
        using var hold = new SemaphoreSlim(0);
        _runner.Hold = hold;
        var holding = Task.Run(() => _writer.RunAsync("list tables"));
        Assert.True(await _runner.Entered.WaitAsync(TimeSpan.FromSeconds(10)));
        var tasks = queue();
        hold.Release();
        await holding;
        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
        return tasks;
    }

    [Fact]
    public async Task A_change_alone_is_add_delete_add_in_one_transaction()
    {
        await _writer.ChangeElementAsync(Open("192.0.2.7", 90));
        await _writer.ChangeElementAsync(Close("192.0.2.7"));

        Assert.Equal(
        [
            "add element inet webknock webmail_allow4 { 192.0.2.7 }\ndelete element inet webknock webmail_allow4 { 192.0.2.7 }\nadd element inet webknock webmail_allow4 { 192.0.2.7 timeout 90000ms }",
            "add element inet webknock webmail_allow4 { 192.0.2.7 }\ndelete element inet webknock webmail_allow4 { 192.0.2.7 }",
        ], _runner.Buffers);
    }

    [Fact]
    public async Task A_change_made_while_the_writer_is_free_runs_on_the_caller_s_thread_and_is_done_when_the_call_returns()
    {
        var caller = Thread.CurrentThread.Name ?? $"#{Environment.CurrentManagedThreadId}";

        var change = _writer.ChangeElementAsync(Open("192.0.2.7", 90));

        // Done before the first await: no wake-up of another thread between a knock's decision and its window.
        Assert.True(change.IsCompletedSuccessfully);
        await change;
        Assert.Equal([caller], _runner.Threads);
    }

    [Fact]
    public async Task Changes_made_while_the_writer_is_busy_wait_and_run_together_on_the_writer_s_thread()
    {
        await Queued(() => [.. Enumerable.Range(1, 3).Select(i => _writer.ChangeElementAsync(Open($"192.0.2.{i}")))]);

        Assert.Equal(2, _runner.Buffers.Count);
        Assert.NotEqual("nftables writer", _runner.Threads[0]); // the holding command ran on its caller's thread
        Assert.Equal("nftables writer", _runner.Threads[1]);
        Assert.StartsWith("add element inet webknock webmail_allow4 { 192.0.2.1, 192.0.2.2, 192.0.2.3 }", _runner.Buffers[1]);
    }

    [Fact]
    public async Task With_refresh_by_add_an_open_alone_is_one_add_that_sets_the_expiry_too()
    {
        _writer.RefreshByAdd = true;

        await _writer.ChangeElementAsync(Open("192.0.2.7", 90));

        // Without "expires", a kernel that updates in place keeps the old deadline when the timeout is the same.
        Assert.Equal(["add element inet webknock webmail_allow4 { 192.0.2.7 timeout 90000ms expires 90000ms }"], _runner.Buffers);
    }

    [Fact]
    public async Task Concurrent_changes_become_three_commands_per_set_for_the_whole_batch()
    {
        await Queued(() =>
        [
            .. Enumerable.Range(1, 100).Select(i => _writer.ChangeElementAsync(Open($"192.0.2.{i}", i))),
            _writer.ChangeElementAsync(Open("2001:db8::1", 30, "webmail_allow6")),
        ]);

        var batch = _runner.Buffers[1].Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, _runner.Buffers.Count);
        Assert.Equal(6, batch.Length);
        Assert.StartsWith("add element inet webknock webmail_allow4 { 192.0.2.1, 192.0.2.2, ", batch[0]);
        Assert.StartsWith("delete element inet webknock webmail_allow4 { 192.0.2.1, 192.0.2.2, ", batch[1]);
        Assert.StartsWith("add element inet webknock webmail_allow4 { 192.0.2.1 timeout 1000ms, 192.0.2.2 timeout 2000ms, ", batch[2]);
        Assert.EndsWith("192.0.2.100 timeout 100000ms }", batch[2]);
        Assert.Equal("add element inet webknock webmail_allow6 { 2001:db8::1 timeout 30000ms }", batch[5]);
    }

    [Fact]
    public async Task In_a_batch_the_last_change_to_an_element_wins()
    {
        _writer.RefreshByAdd = true;
        await Queued(() =>
        [
            _writer.ChangeElementAsync(Open("192.0.2.1", 60)),
            _writer.ChangeElementAsync(Close("192.0.2.1")),
            _writer.ChangeElementAsync(Close("192.0.2.2")),
            _writer.ChangeElementAsync(Open("192.0.2.2", 120)),
            _writer.ChangeElementAsync(Open("192.0.2.3", 60)),
            _writer.ChangeElementAsync(Open("192.0.2.3", 30)),
        ]);

        Assert.Equal(
            "add element inet webknock webmail_allow4 { 192.0.2.1 }\n"
            + "delete element inet webknock webmail_allow4 { 192.0.2.1 }\n"
            + "add element inet webknock webmail_allow4 { 192.0.2.2 timeout 120000ms expires 120000ms, 192.0.2.3 timeout 30000ms expires 30000ms }\n",
            _runner.Buffers[1]);
    }

    [Fact]
    public async Task A_failing_batch_runs_each_change_alone_and_only_the_faulty_one_fails()
    {
        _runner.FailOn = "203.0.113.9";
        var tasks = await Queued(() =>
        [
            _writer.ChangeElementAsync(Open("192.0.2.1")),
            _writer.ChangeElementAsync(Open("203.0.113.9", set: "gone4")),
            _writer.ChangeElementAsync(Close("192.0.2.2")),
        ]);

        Assert.True(tasks[0].IsCompletedSuccessfully);
        Assert.IsType<NftablesException>(tasks[1].Exception?.InnerException);
        Assert.True(tasks[2].IsCompletedSuccessfully);
        Assert.Equal(5, _runner.Buffers.Count); // the hold, the batch, then each alone
    }

    [Fact]
    public async Task Element_changes_and_text_commands_never_share_a_transaction_and_keep_their_order()
    {
        await Queued(() =>
        [
            _writer.ChangeElementAsync(Open("192.0.2.1")),
            _writer.RunBatchedAsync("add element inet webknock blocked4 { 192.0.2.9 }"),
            _writer.ChangeElementAsync(Open("192.0.2.2")),
            _writer.ChangeElementAsync(Open("192.0.2.3")),
        ]);

        Assert.Equal(4, _runner.Buffers.Count);
        Assert.Contains("192.0.2.1 timeout", _runner.Buffers[1]);
        Assert.Equal("add element inet webknock blocked4 { 192.0.2.9 }", _runner.Buffers[2]);
        Assert.Contains("192.0.2.2 timeout 60000ms, 192.0.2.3 timeout 60000ms", _runner.Buffers[3]);
    }

    [Fact]
    public async Task A_batch_holds_at_most_the_element_cap()
    {
        _writer.RefreshByAdd = true;
        var count = NftWriter.MaxElementBatch + 10;
        await Queued(() => [.. Enumerable.Range(0, count).Select(i => _writer.ChangeElementAsync(Open($"10.{i >> 16}.{(i >> 8) & 255}.{i & 255}")))]);

        Assert.Equal(3, _runner.Buffers.Count);
        Assert.Equal(NftWriter.MaxElementBatch, _runner.Buffers[1].Split(", ").Length);
        Assert.Equal(10, _runner.Buffers[2].Split(", ").Length);
    }

    [Fact]
    public async Task The_probe_finds_a_kernel_that_replaces_timeouts_and_removes_its_scratch_set()
    {
        _runner.Listing = """{"nftables": [{"set": {"name": "wk_probe_refresh", "elem": [{"elem": {"val": "192.0.2.0", "timeout": 60, "expires": 59}}]}}]}""";

        Assert.True(await _writer.ProbeRefreshByAddAsync("webknock"));
        Assert.True(_writer.RefreshByAdd);
        Assert.Equal("delete set inet webknock wk_probe_refresh", _runner.Buffers[^1]);
    }

    [Fact]
    public async Task The_probe_keeps_the_portable_form_when_the_timeout_stays()
    {
        _runner.Listing = """{"nftables": [{"set": {"name": "wk_probe_refresh", "elem": [{"elem": {"val": "192.0.2.0", "timeout": 3600, "expires": 3599}}]}}]}""";

        Assert.False(await _writer.ProbeRefreshByAddAsync("webknock"));
        Assert.Equal("delete set inet webknock wk_probe_refresh", _runner.Buffers[^1]);
    }

    private sealed class FakeRunner : INftRunner
    {
        public List<string> Buffers { get; } = [];

        /// <summary>The thread each buffer ran on (its name, or its managed id).</summary>
        public List<string> Threads { get; } = [];

        public SemaphoreSlim? Hold { get; set; }

        public SemaphoreSlim Entered { get; } = new(0);

        public string? FailOn { get; set; }

        public string Listing { get; set; } = "";

        public string Run(string commands, bool json = false, bool terse = false)
        {
            lock (Buffers)
            {
                Buffers.Add(commands);
                Threads.Add(Thread.CurrentThread.Name ?? $"#{Environment.CurrentManagedThreadId}");
            }

            if (Hold is { } hold)
            {
                Hold = null;
                Entered.Release();
                hold.Wait();
            }

            if (FailOn is { } bad && commands.Contains(bad, StringComparison.Ordinal))
            {
                throw new NftablesException("Error: No such file or directory", commands);
            }

            return json ? Listing : "";
        }

        public void Dispose()
        {
        }
    }
}
