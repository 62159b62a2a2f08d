using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using WebKnock.NetworkTests.Agent;

namespace WebKnock.NetworkTests.Infrastructure;

/// <summary>
/// Drives this assembly running as an agent inside a namespace (see <see cref="FirewallAgent"/>), and runs the
/// client tools from client namespaces.
/// </summary>
public sealed class AgentProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _replies = Channel.CreateUnbounded<string>();
    private readonly string _configPath;
    private readonly Task _pump;
    private readonly ConcurrentQueue<string> _log = new();

    private AgentProcess(Process process, string configPath)
    {
        _process = process;
        _configPath = configPath;
        _pump = Task.Run(PumpAsync);
        _ = Task.Run(async () =>
        {
            while (await _process.StandardError.ReadLineAsync() is { } line)
            {
                _log.Enqueue(line);
            }
        });
    }

    /// <summary>Every <c>event ...</c> line so far: KIND SERVICE SOURCE PORT STEP.</summary>
    public ConcurrentQueue<string> Events { get; } = new();

    /// <summary>The agent's own log (stderr), for failure messages.</summary>
    public string Log => string.Join('\n', _log);

    public static async Task<AgentProcess> StartAsync(NetworkNamespace ns, AgentConfig config)
    {
        var path = config.Save();
        var agent = new AgentProcess(ns.Start([.. DotnetCommand(), "agent", path]), path);
        var ready = await agent.ReadReplyAsync(TimeSpan.FromSeconds(60));
        if (ready != "ready")
        {
            throw new InvalidOperationException($"The agent did not start: {ready}\n{agent.Log}");
        }

        return agent;
    }

    /// <summary>Runs one of the client tools (<c>syn</c>, <c>knock</c>, <c>connect</c>) in a namespace.</summary>
    public static Task<Shell.Result> RunToolAsync(NetworkNamespace ns, params string[] arguments)
        => ns.TryExecAsync([.. DotnetCommand(), .. arguments]);

    /// <summary>Sends a command and returns the text after <c>ok</c>; throws on <c>error</c>.</summary>
    public async Task<string> SendAsync(string command, TimeSpan? timeout = null)
    {
        await _process.StandardInput.WriteLineAsync(command);
        await _process.StandardInput.FlushAsync();
        var reply = await ReadReplyAsync(timeout ?? TimeSpan.FromSeconds(60));
        return reply.StartsWith("ok", StringComparison.Ordinal)
            ? reply[2..].Trim()
            : throw new InvalidOperationException($"{command}: {reply}\n{Log}");
    }

    /// <summary>Waits until an event line starting with <paramref name="prefix"/> has arrived.</summary>
    public async Task<bool> WaitForEventAsync(string prefix, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            if (Events.Any(e => e.StartsWith(prefix, StringComparison.Ordinal)))
            {
                return true;
            }

            await Task.Delay(20);
        }

        return false;
    }

    private async Task<string> ReadReplyAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            return await _replies.Reader.ReadAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The agent did not answer within {timeout}.\n{Log}");
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException($"The agent exited.\n{Log}");
        }
    }

    private async Task PumpAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("event ", StringComparison.Ordinal))
            {
                Events.Enqueue(line[6..]);
            }
            else
            {
                await _replies.Writer.WriteAsync(line);
            }
        }

        _replies.Writer.TryComplete();
    }

    private static string[] DotnetCommand()
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (string.IsNullOrEmpty(host) || !File.Exists(host))
        {
            host = Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : Shell.Which("dotnet") ?? "dotnet";
        }

        return [host, typeof(AgentProcess).Assembly.Location];
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                await _process.StandardInput.WriteLineAsync("quit");
                await _process.StandardInput.FlushAsync();
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (Exception e) when (e is IOException or TimeoutException or InvalidOperationException)
        {
            // The namespace's dispose kills what is left.
        }

        await _pump.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        File.Delete(_configPath);
    }
}
