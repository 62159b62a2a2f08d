using Microsoft.Playwright;
using Xunit.Abstractions;

namespace WebKnock.NetworkTests.Infrastructure;

/// <summary>
/// Runs a browser test's whole body (its gateway, namespaces and browser) once more when, and only when, a Chromium
/// that the body launched exited in the middle of it without being closed (<see cref="NamespaceBrowser"/> sees it),
/// which no page and no gateway can cause: a renderer's crash is a page crash, not a browser exit. Seen once in about
/// a dozen full CI runs. Every other failure, and a second exit, fails the test as before; the first exit, with
/// Chromium's last lines on standard error, stays in the test's output.
/// </summary>
public static class BrowserRun
{
    private static readonly AsyncLocal<ExitCount?> Scope = new();

    /// <summary>The count of the run in whose flow a browser is launched, if any.</summary>
    internal static ExitCount? Current => Scope.Value;

    public static async Task WithOneRetryIfChromiumExitsAsync(ITestOutputHelper output, Func<Task> body)
    {
        var exits = new ExitCount();
        try
        {
            await RunAsync(exits, body);
            return;
        }
        catch (PlaywrightException e) when (exits.Value > 0)
        {
            output.WriteLine($"Chromium exited in the middle of the test ({e.Message.Split('\n')[0]}); the whole test runs once more.");
        }

        await RunAsync(new ExitCount(), body);
    }

    private static async Task RunAsync(ExitCount exits, Func<Task> body)
    {
        Scope.Value = exits;
        try
        {
            await body();
        }
        finally
        {
            Scope.Value = null;
        }
    }

    internal sealed class ExitCount
    {
        private int _value;

        public int Value => Volatile.Read(ref _value);

        public void Add() => Interlocked.Increment(ref _value);
    }
}
