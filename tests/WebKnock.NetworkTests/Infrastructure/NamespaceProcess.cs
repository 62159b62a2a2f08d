using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;

namespace WebKnock.NetworkTests.Infrastructure;

/// <summary>
/// A long-running program in a namespace (<c>ip netns exec NAME ...</c>, which execs: the PID is the program's),
/// with its own environment and working directory, its output kept (the last lines, for failure messages) and
/// offered line by line. Disposing kills it by PID (SIGKILL) if it still runs.
/// </summary>
public sealed class NamespaceProcess : IAsyncDisposable
{
    private const int KeptLines = 400;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _tail = new();
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly TaskCompletionSource _outputDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _streamsOpen = 2;

    private NamespaceProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>The last lines of stdout and stderr together.</summary>
    public string Output => $"--- {Name} (pid {_process.Id}{(_process.HasExited ? $", exited {_process.ExitCode}" : "")}) ---\n" + string.Join('\n', _tail);

    /// <summary>
    /// Starts <paramref name="command"/> in <paramref name="ns"/>. <paramref name="environment"/> values are set
    /// (null removes a variable); variables named in <paramref name="clear"/> by prefix are removed first.
    /// </summary>
    public static NamespaceProcess Start(
        NetworkNamespace ns,
        string name,
        IEnumerable<string> command,
        IReadOnlyDictionary<string, string?>? environment = null,
        string? workingDirectory = null,
        IEnumerable<string>? clear = null)
        => Launch(name, ["ip", "netns", "exec", ns.Name, .. command], environment, workingDirectory, clear);

    /// <summary>Starts <paramref name="command"/> in the root namespace (loopback only tests), otherwise as <see cref="Start"/>.</summary>
    public static NamespaceProcess StartLocal(
        string name,
        IEnumerable<string> command,
        IReadOnlyDictionary<string, string?>? environment = null,
        string? workingDirectory = null,
        IEnumerable<string>? clear = null)
        => Launch(name, command, environment, workingDirectory, clear);

    private static NamespaceProcess Launch(
        string name,
        IEnumerable<string> command,
        IReadOnlyDictionary<string, string?>? environment,
        string? workingDirectory,
        IEnumerable<string>? clear)
    {
        var words = command.ToList();
        var start = new ProcessStartInfo(words[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in words.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var prefix in clear ?? [])
        {
            foreach (var key in start.Environment.Keys.Where(k => k.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)).ToList())
            {
                start.Environment.Remove(key);
            }
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var wrapper = new NamespaceProcess(name, process);
        process.OutputDataReceived += (_, e) => wrapper.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => wrapper.OnLine(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"{name} did not start.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return wrapper;
    }

    /// <summary>The next output line (stdout or stderr); null when the program ended or the time ran out.</summary>
    public async Task<string?> ReadLineAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            return await _lines.Reader.ReadAsync(cancel.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
        {
            return null;
        }
    }

    /// <summary>Waits for a line starting with <paramref name="prefix"/>; null when none came in time.</summary>
    public async Task<string?> WaitForLineAsync(string prefix, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            var line = await ReadLineAsync(timeout - watch.Elapsed);
            if (line is null)
            {
                return null;
            }

            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                return line;
            }
        }

        return null;
    }

    /// <summary>Writes a line to the program's standard input.</summary>
    public async Task WriteLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>kill -9 by PID, then waits for the exit (and the end of its output).</summary>
    public async Task KillAsync(TimeSpan? timeout = null)
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(); // SIGKILL to this PID only
            }

            await _process.WaitForExitAsync().WaitAsync(timeout ?? TimeSpan.FromSeconds(10));
            await _outputDone.Task.WaitAsync(TimeSpan.FromSeconds(2)).ContinueWith(_ => { }, TaskScheduler.Default);
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }
    }

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            if (Interlocked.Decrement(ref _streamsOpen) == 0)
            {
                _lines.Writer.TryComplete();
                _outputDone.TrySetResult();
            }

            return;
        }

        _tail.Enqueue(line);
        while (_tail.Count > KeptLines && _tail.TryDequeue(out _))
        {
        }

        _lines.Writer.TryWrite(line);
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }
}
