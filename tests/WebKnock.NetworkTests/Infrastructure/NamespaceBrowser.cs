using System.Diagnostics;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace WebKnock.NetworkTests.Infrastructure;

/// <summary>
/// Debian's Chromium (<see cref="Chromium"/>), headless, driven by Playwright from this process while the browser
/// itself lives in a client namespace: Playwright starts a wrapper script (<c>ip netns exec NAME chromium "$@"</c>;
/// both exec, so Playwright's PID and pipes are Chromium's own) instead of a browser of its own, so no Playwright
/// browser is downloaded. Every connection the pages make leaves from the client's addresses. Disposing closes the
/// browser (Playwright removes the profile it made), deletes any profile folder still there and the wrapper's
/// folder; Chromium processes that outlive that die with the namespace (<see cref="NetworkNamespace"/> kills what
/// is left in it by PID). Chromium's own standard error goes to a file in the wrapper's folder; when the browser
/// exits without being closed (it happened once in a CI run: "Target page, context or browser has been closed" in
/// the middle of a navigation) its last lines are written to the test's output and the <see cref="BrowserRun"/>
/// that started it (if any) counts it.
/// </summary>
public sealed class NamespaceBrowser : IAsyncDisposable
{
    public const string Chromium = "/usr/bin/chromium";

    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(15);

    private readonly ITestOutputHelper _output;
    private readonly string _folder;
    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;
    private readonly BrowserRun.ExitCount? _exits = BrowserRun.Current;
    private volatile bool _closing;

    private NamespaceBrowser(ITestOutputHelper output, string folder, IPlaywright playwright, IBrowser browser)
    {
        _output = output;
        _folder = folder;
        _playwright = playwright;
        _browser = browser;
        _browser.Disconnected += (_, _) =>
        {
            if (!_closing)
            {
                _exits?.Add();
                ReportUnexpectedExit();
            }
        };
    }


    /// <summary>Starts Chromium in <paramref name="ns"/>.</summary>
    /// <param name="extraArgs">More Chromium switches (e.g. <c>--unsafely-treat-insecure-origin-as-secure=ORIGIN</c>).</param>
    public static async Task<NamespaceBrowser> LaunchAsync(NetworkNamespace ns, ITestOutputHelper output, params string[] extraArgs)
    {
        var folder = System.IO.Directory.CreateTempSubdirectory("wk-browser-").FullName;
        IPlaywright? playwright = null;
        try
        {
            var wrapper = Path.Combine(folder, "chromium-in-namespace.sh");
            var ip = Shell.Which("ip") ?? "ip";
            await File.WriteAllTextAsync(wrapper, $"""
                #!/bin/sh
                # Chromium in network namespace {ns.Name}, started by Playwright. The arguments are kept for the cleanup.
                printf '%s\n' "$@" >>'{ArgumentsFile(folder)}'
                exec {ip} netns exec {ns.Name} {Chromium} "$@" 2>>'{StandardErrorFile(folder)}'

                """);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            var watch = Stopwatch.StartNew();
            playwright = await Playwright.CreateAsync();
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = wrapper,
                Headless = true,
                Timeout = 60_000,
                Args =
                [
                    "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--hide-scrollbars", .. extraArgs,
                ],
            });
            output.WriteLine($"Chromium {browser.Version} started in {ns.Name} in {watch.ElapsedMilliseconds} ms");
            return new NamespaceBrowser(output, folder, playwright, browser);
        }
        catch
        {
            playwright?.Dispose();
            System.IO.Directory.Delete(folder, recursive: true);
            throw;
        }
    }

    /// <summary>A fresh context (its own cookies): the gateway's self-signed certificate accepted, downloads allowed.</summary>
    public Task<IBrowserContext> NewContextAsync() => _browser.NewContextAsync(new BrowserNewContextOptions
    {
        IgnoreHTTPSErrors = true,
        AcceptDownloads = true,
        ViewportSize = new ViewportSize { Width = 1024, Height = 640 },
    });

    /// <summary>A fresh context as a phone shows pages: 390x844 CSS pixels, touch, the mobile viewport.</summary>
    public Task<IBrowserContext> NewPhoneContextAsync() => _browser.NewContextAsync(new BrowserNewContextOptions
    {
        IgnoreHTTPSErrors = true,
        AcceptDownloads = true,
        ViewportSize = new ViewportSize { Width = 390, Height = 844 },
        IsMobile = true,
        HasTouch = true,
    });

    private static string ArgumentsFile(string folder) => Path.Combine(folder, "chromium-arguments.txt");

    private static string StandardErrorFile(string folder) => Path.Combine(folder, "chromium-stderr.txt");

    private void ReportUnexpectedExit()
    {
        try
        {
            var file = StandardErrorFile(_folder);
            var lines = File.Exists(file) ? File.ReadAllLines(file) : [];
            _output.WriteLine($"Chromium exited without being closed; the last {Math.Min(lines.Length, 40)} of its {lines.Length} lines on standard error:");
            foreach (var line in lines.TakeLast(40))
            {
                _output.WriteLine($"  chromium: {line}");
            }
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            // The test's output is closed (the test ended) or the file went with the folder.
        }
    }

    public async ValueTask DisposeAsync()
    {
        _closing = true;
        try
        {
            await _browser.CloseAsync().WaitAsync(CloseTimeout);
        }
        catch (Exception e) when (e is TimeoutException or PlaywrightException)
        {
            _output.WriteLine($"Chromium did not close cleanly: {e.Message}");
        }

        _playwright.Dispose();

        // Playwright removes the profile it gave Chromium when the browser closes; not when it could not close it.
        var arguments = ArgumentsFile(_folder);
        foreach (var line in File.Exists(arguments) ? await File.ReadAllLinesAsync(arguments) : [])
        {
            if (line.StartsWith("--user-data-dir=", StringComparison.Ordinal) && System.IO.Directory.Exists(line[16..]))
            {
                _output.WriteLine($"removing the profile Chromium left: {line[16..]}");
                System.IO.Directory.Delete(line[16..], recursive: true);
            }
        }

        System.IO.Directory.Delete(_folder, recursive: true);
    }
}
