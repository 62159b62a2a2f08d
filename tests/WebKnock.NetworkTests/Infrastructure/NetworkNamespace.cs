using System.Diagnostics;

namespace WebKnock.NetworkTests.Infrastructure;

/// <summary>
/// A network namespace made for one test, with a unique name (<c>wk-t-...</c>). Disposing it kills every process
/// still inside it (they were all started by the test) and deletes it, which also removes its veth ends.
/// </summary>
public sealed class NetworkNamespace : IAsyncDisposable
{
    private readonly List<Process> _processes = [];

    private NetworkNamespace(string name) => Name = name;

    public string Name { get; }

    public static async Task<NetworkNamespace> CreateAsync(string role)
    {
        var name = $"wk-t-{Guid.NewGuid().ToString("N")[..6]}-{role}";
        (await Shell.RunAsync("ip", "netns", "add", name)).ThrowIfFailed($"ip netns add {name}");
        var ns = new NetworkNamespace(name);
        await ns.ExecAsync("ip", "link", "set", "lo", "up");
        return ns;
    }

    /// <summary>Runs a program inside the namespace and waits for it; throws when it fails.</summary>
    public async Task<Shell.Result> ExecAsync(params string[] command)
        => (await TryExecAsync(command)).ThrowIfFailed($"[{Name}] {string.Join(' ', command)}");

    /// <summary>Runs a program inside the namespace and waits for it.</summary>
    public Task<Shell.Result> TryExecAsync(params string[] command)
        => Shell.RunAsync("ip", ["netns", "exec", Name, .. command], TimeSpan.FromSeconds(120));

    /// <summary>Starts a long-running program inside the namespace (killed on dispose at the latest).</summary>
    public Process Start(params string[] command)
    {
        var start = new ProcessStartInfo("ip")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "netns", "exec", Name }.Concat(command))
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("ip netns exec did not start.");
        _processes.Add(process);
        return process;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
                }
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException)
            {
            }
            finally
            {
                process.Dispose();
            }
        }

        // Anything else still in the namespace was started from it by this test (e.g. by the agent).
        var pids = await Shell.RunAsync("ip", "netns", "pids", Name);
        foreach (var pid in pids.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            try
            {
                using var leftover = Process.GetProcessById(int.Parse(pid, System.Globalization.CultureInfo.InvariantCulture));
                leftover.Kill();
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
            {
            }
        }

        await Shell.RunAsync("ip", "netns", "del", Name);
    }
}
