using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Playwright;
using WebKnock.NetworkTests.Infrastructure;
using Xunit.Abstractions;

namespace WebKnock.NetworkTests.Browser;

/// <summary>
/// A user's day and a shared NAT address, done by Chromium in client namespace A against the real gateway (nftables
/// backend) in the server namespace, the same for every webmail (<see cref="IWebmailUi"/>). Every wait is bounded.
/// </summary>
public sealed class BrowserScenarios(GatewayScenario gw, IWebmailUi ui, ITestOutputHelper output)
{
    /// <summary>A short window and an early warning, so that the banner's warning shows within seconds.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(2);

    public static readonly TimeSpan WarnBefore = TimeSpan.FromSeconds(110);

    /// <summary>How long a navigation may try before the webmail counts as unreachable.</summary>
    private static readonly TimeSpan Unreachable = TimeSpan.FromSeconds(4);

    private readonly Stopwatch _clock = Stopwatch.StartNew();

    /// <summary>The gateway settings the day needs.</summary>
    public static string[] DaySettings =>
    [
        $"WebKnock:Webmail:Window={Window}",
        $"WebKnock:Banner:WarnBefore={WarnBefore}",
    ];

    private TestNetwork.Client A => gw.A;

    /// <summary>
    /// Before the knock nothing answers; the knock page knocks from the browser and goes on to the webmail; log in;
    /// the banner counts down, turns to its warning, and Extend moves the deadline (kernel and gateway); the HTML
    /// attachment opens (in a webmail page with one banner, or as its own document without one); the binary one
    /// downloads byte-identical; sign-out closes the window, in the kernel too, the signed-out page shows the closed
    /// banner, and the webmail is unreachable again. Screenshots of the knock page, both banner states and the sign-out.
    /// </summary>
    public async Task DayAsync()
    {
        // Chromium's knock SYNs are retransmitted by the client's kernel long after the knock page moved on, and the
        // retransmitted sequence completes the knock again (for about 40 s with Linux's default of 6 SYN retries):
        // before the sign-out that only extends the window, after it it opens the window again, which
        // SignOutSoonAfterABrowserKnockAsync shows. Two retries end them within seconds of the knock, so that this
        // day checks the sign-out by itself.
        await A.Namespace.ExecAsync("sysctl", "-q", "-w", "net.ipv4.tcp_syn_retries=2");
        await using var browser = await NamespaceBrowser.LaunchAsync(A.Namespace, output);
        var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        Step("browser ready");

        await AssertUnreachableAsync(page);
        Assert.Empty(await gw.AllowedAsync());

        // The knock page, on a plain web server, knocks from the browser, sees the gateway answer, and goes on.
        await using (await KnockPageSite.StartAsync(gw, ui.LoginUrl, redirectDelayMs: 3000))
        {
            await page.GotoAsync(KnockPageSite.Url);
            await WithDiagnosticsAsync(() => page.Locator("#knock[data-state='open']").WaitForAsync(new() { Timeout = 20_000 }),
                async () => $"knock page: {await page.Locator("#knock-status").InnerTextAsync()}");
            Step("knock page: open");
            await Screenshots.SaveAsync(page, $"{ui.Name}-knock-page", output);
            await page.WaitForURLAsync(url => url.StartsWith(ui.LoginUrl, StringComparison.Ordinal), new() { Timeout = 20_000 });
            Step("knock page: went on to the webmail");
        }

        Assert.Contains(A.V4, (await gw.AllowedAsync()).Keys);
        Assert.NotEmpty(gw.LogEvents("Knock sequence of {Service} completed", ("Address", A.V4.ToString())));

        var banner = await ui.LoginAsync(page, "alice", "alice-pw");
        Step("logged in as alice");

        // The banner counts down.
        var first = await RemainingAsync(banner);
        await Task.Delay(TimeSpan.FromMilliseconds(1500));
        var second = await RemainingAsync(banner);
        output.WriteLine($"banner: {Format(first)}, 1.5 s later {Format(second)}");
        Assert.InRange(first, 1, (int)Window.TotalSeconds);
        Assert.InRange(first - second, 1, 3);

        // Near the deadline it warns.
        await banner.Locator("#webknock-banner.webknock-warning").WaitForAsync(new() { Timeout = (float)(Window - WarnBefore + TimeSpan.FromSeconds(15)).TotalMilliseconds });
        Step($"banner warns at {Format(await RemainingAsync(banner))}");
        Assert.True(await RemainingAsync(banner) <= WarnBefore.TotalSeconds);
        await Screenshots.SaveAsync(page, $"{ui.Name}-banner-warning", output);

        // Extend moves the deadline: in the gateway, in the kernel's set, in the banner.
        var before = await StatusAsync();
        var kernelBefore = (await gw.AllowedAsync())[A.V4];
        await banner.Locator("#webknock-banner button.webknock-extend").ClickAsync(new() { Timeout = 10_000 });
        await banner.Locator("#webknock-banner:not(.webknock-warning):not(.webknock-closed)").WaitForAsync(new() { Timeout = 10_000 });
        var after = await StatusAsync();
        var shown = await RemainingAsync(banner);

        // The gateway writes the kernel's set through its batching writer, a moment after it answers.
        TimeSpan? kernelAfter = null;
        var written = await Eventually.WaitAsync(
            async () => (kernelAfter = (await gw.AllowedAsync()).GetValueOrDefault(A.V4)) > kernelBefore + TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(3));
        Step($"extended: deadline {ExpiresAt(before):HH:mm:ss} -> {ExpiresAt(after):HH:mm:ss}, kernel {kernelBefore} -> {kernelAfter} (after {written?.TotalMilliseconds:F0} ms), banner {Format(shown)}");
        Assert.True(ExpiresAt(after) - ExpiresAt(before) >= TimeSpan.FromSeconds(5), $"{ExpiresAt(before):O} -> {ExpiresAt(after):O}");
        Assert.InRange(after.GetProperty("remainingSeconds").GetInt32(), (int)Window.TotalSeconds - 10, (int)Window.TotalSeconds);
        Assert.True(written is not null, $"kernel {kernelBefore} -> {kernelAfter} within 3 s\n{gw.Diagnostics}");
        Assert.InRange(shown, (int)WarnBefore.TotalSeconds + 1, (int)Window.TotalSeconds);
        Assert.NotEmpty(gw.LogEvents("Window of {Service} for {Address} extended", ("Address", A.V4.ToString()), ("Reason", "Extend")));
        await Screenshots.SaveAsync(page, $"{ui.Name}-banner", output);

        // The message; its HTML attachment opens (the attachment itself never gets a banner); its binary attachment arrives unchanged.
        var message = await ui.OpenReportAsync(page);
        await message.Banner.Locator("#webknock-banner").WaitForAsync(new() { Timeout = 10_000 });
        if (message.Message != message.Banner)
        {
            Assert.Equal(0, await message.Message.Locator("#webknock-banner").CountAsync()); // a framed page never gets one
        }

        var view = await ui.OpenHtmlAttachmentAsync(page);
        Assert.Contains(await TextsAsync(view.Frames, "h1"), t => t.Contains("Quarterly report", StringComparison.Ordinal));
        Assert.Equal(view.InWebmailPage ? 1 : 0, await CountAsync(view.Frames, "#webknock-banner"));
        Step($"HTML attachment shown in {view.Frames.Count} frame(s), {(view.InWebmailPage ? "in a webmail page with its banner" : "no banner")}");
        if (view.InWebmailPage)
        {
            // That page is longer than the window: at its end, its last line is above the banner (the banner's script
            // gives the page room below it).
            var frame = view.Frames.First(f => f.Url.Contains("view_text.php", StringComparison.Ordinal));
            var scrolls = await frame.EvaluateAsync<bool>("() => document.documentElement.scrollHeight > window.innerHeight");
            var gap = await GapAboveBannerAtTheEndAsync(frame);
            Step($"the attachment's page at its end (it scrolls: {scrolls}): {gap:F0} px between its last line and the banner");
            await Screenshots.SaveAsync(page, $"{ui.Name}-long-page-end", output);
            Assert.True(scrolls, "the page is not longer than the window: the check would prove nothing");
            Assert.True(gap >= 0, $"the banner covers the last {-gap:F0} px of the page");
        }

        await view.CloseAsync();

        var download = await ui.DownloadBinaryAsync(page);
        var path = await download.PathAsync();
        var hash = SHA256.HashData(await File.ReadAllBytesAsync(path));
        var original = await ui.OriginalBinarySha256Async(gw);
        Step($"downloaded {download.SuggestedFilename} ({new FileInfo(path).Length} bytes) sha256 {Convert.ToHexStringLower(hash)}");
        Assert.Equal(ui.BinaryName, download.SuggestedFilename);
        Assert.Equal(Convert.ToHexStringLower(original), Convert.ToHexStringLower(hash));

        // Sign-out closes the window; the signed-out page says so without asking the gateway for anything more; the
        // webmail does not answer any more.
        var gatewayRequests = new List<string>();
        var signedOutAt = -1;
        page.Request += (_, r) =>
        {
            if (r.Url.Contains("/.webknock/", StringComparison.Ordinal))
            {
                lock (gatewayRequests)
                {
                    gatewayRequests.Add(r.Url);
                }
            }
        };
        // Roundcube's signed-out page (its login page) holds scripts in its head that the gate now refuses, and the
        // parser did not reach the banner at the body's end within 30 s (RoundcubeUi.SignOutAsync): there the closed
        // banner in the answer is checked by RoundcubeSessionTests. SquirrelMail's page asks for nothing.
        if (await SignOutAsync(page, "alice", () => signedOutAt = gatewayRequests.Count) && ui is SquirrelMailUi)
        {
            var closed = page.Locator("#webknock-banner.webknock-closed");
            await closed.WaitForAsync(new() { Timeout = 10_000 });
            Assert.Contains("Access closed", await closed.InnerTextAsync(), StringComparison.Ordinal);
            Assert.Equal(0, await page.Locator("#webknock-banner button, #webknock-banner .webknock-time").CountAsync());
            Assert.Equal("fixed", await closed.EvaluateAsync<string>("e => getComputedStyle(e).position"));
            await Task.Delay(TimeSpan.FromSeconds(1));
            await Screenshots.SaveAsync(page, $"{ui.Name}-signed-out", output);
            lock (gatewayRequests)
            {
                Assert.True(gatewayRequests.Count == signedOutAt, "requests to the gateway after the sign-out: " + string.Join(", ", gatewayRequests.Skip(signedOutAt)));
            }
        }

        await AssertClosedAsync(page);
    }

    /// <summary>
    /// Two browser contexts in namespace A (one source address, as behind NAT), alice and bob logged in; alice signs
    /// out and bob goes on working; bob signs out and access closes.
    /// </summary>
    public async Task SharedAddressAsync()
    {
        var knock = await gw.KnockClientAsync(A, TestNetwork.ServerV4.ToString(), "--ports", GatewayScenario.KnockPorts, "--check");
        Assert.True(knock.ExitCode == 0, knock.Output + knock.Error + gw.Diagnostics);

        await using var browser = await NamespaceBrowser.LaunchAsync(A.Namespace, output);
        var alice = await (await browser.NewContextAsync()).NewPageAsync();
        var bob = await (await browser.NewContextAsync()).NewPageAsync();
        Step("browser ready, knocked");

        await (await ui.LoginAsync(alice, "alice", "alice-pw")).Locator("#webknock-banner").WaitForAsync(new() { Timeout = 10_000 });
        await (await ui.LoginAsync(bob, "bob", "bob-pw")).Locator("#webknock-banner").WaitForAsync(new() { Timeout = 10_000 });
        Step("alice and bob logged in");
        Assert.Equal(2, (await StatusAsync()).GetProperty("sessions").GetInt32());

        await SignOutAsync(alice, "alice");
        Assert.NotNull(await Eventually.WaitAsync(async () => (await StatusAsync()).GetProperty("sessions").GetInt32() == 1, TimeSpan.FromSeconds(5)));
        Assert.Contains(A.V4, (await gw.AllowedAsync()).Keys);

        var working = await ui.WorkAsync(bob);
        await working.Locator("#webknock-banner:not(.webknock-closed)").WaitForAsync(new() { Timeout = 10_000 });
        Step("bob still works");
        var status = await StatusAsync();
        Assert.True(status.GetProperty("open").GetBoolean());
        Assert.Equal(1, status.GetProperty("sessions").GetInt32());
        Assert.Contains(A.V4, (await gw.AllowedAsync()).Keys);
        Assert.Empty(gw.LogEvents("Window of {Service} for {Address} closed", ("Address", A.V4.ToString())));

        await SignOutAsync(bob, "bob");
        await AssertClosedAsync(bob);
        await AssertUnreachableAsync(alice);
    }

    /// <summary>
    /// A phone's viewport (390x844): the knock page, the banner, a long page scrolled to its end (its last line above
    /// the banner), the banner folded to the time left, and the signed-out page. Screenshots of each.
    /// </summary>
    public async Task PhoneAsync()
    {
        await A.Namespace.ExecAsync("sysctl", "-q", "-w", "net.ipv4.tcp_syn_retries=2"); // see DayAsync
        await using var browser = await NamespaceBrowser.LaunchAsync(A.Namespace, output);
        var page = await (await browser.NewPhoneContextAsync()).NewPageAsync();
        await using (await KnockPageSite.StartAsync(gw, ui.LoginUrl, redirectDelayMs: 3000))
        {
            await page.GotoAsync(KnockPageSite.Url);
            await page.Locator("#knock[data-state='open']").WaitForAsync(new() { Timeout = 20_000 });
            await Screenshots.SaveAsync(page, $"{ui.Name}-phone-knock-page", output);
            await page.WaitForURLAsync(url => url.StartsWith(ui.LoginUrl, StringComparison.Ordinal), new() { Timeout = 20_000 });
        }

        var banner = await ui.LoginAsync(page, "alice", "alice-pw");
        var box = banner.Locator("#webknock-banner:not(.webknock-closed)");
        await box.WaitForAsync(new() { Timeout = 10_000 });
        await Task.Delay(TimeSpan.FromSeconds(1)); // the status answer, so the button is enabled in the picture
        await Screenshots.SaveAsync(page, $"{ui.Name}-phone-banner", output);
        var viewport = await banner.EvaluateAsync<int>("() => document.documentElement.clientWidth");
        var width = await box.EvaluateAsync<double>("e => e.getBoundingClientRect().width");
        Step($"banner {width:F0} px wide in a frame {viewport} px wide");
        Assert.True(width <= viewport, $"the banner ({width} px) is wider than its frame ({viewport} px)");

        // A long page, scrolled to its end: nothing of it stays under the banner. Roundcube lays its pages out to the
        // window's height (nothing scrolls under the banner; there folding it is the way), and on a phone shows its
        // attachments its own way: this part is SquirrelMail's, whose frames scroll.
        if (ui is SquirrelMailUi)
        {
            await ui.OpenReportAsync(page);
            var view = await ui.OpenHtmlAttachmentAsync(page);
            Assert.True(view.InWebmailPage);
            var frame = view.Frames.First(f => f.Url.Contains("view_text.php", StringComparison.Ordinal));
            await frame.Locator("#webknock-banner").WaitForAsync(new() { Timeout = 10_000 });
            var gap = await GapAboveBannerAtTheEndAsync(frame);
            Step($"long page at its end: {gap:F0} px between its last line and the banner");
            await Screenshots.SaveAsync(page, $"{ui.Name}-phone-long-page-end", output);
            Assert.True(gap >= 0, $"the banner covers the last {-gap:F0} px of the page");
            await view.CloseAsync();
            banner = await ui.WorkAsync(page);
        }

        // Folded: only the time left and the button to unfold it.
        await banner.Locator("#webknock-banner .webknock-fold").ClickAsync(new() { Timeout = 10_000 });
        var folded = banner.Locator("#webknock-banner.webknock-folded");
        await folded.WaitForAsync(new() { Timeout = 5_000 });
        var foldedWidth = await folded.EvaluateAsync<double>("e => e.getBoundingClientRect().width");
        Step($"folded banner {foldedWidth:F0} px wide (unfolded {width:F0})");
        Assert.True(foldedWidth < width / 2, $"folded {foldedWidth} px, unfolded {width} px");
        Assert.False(await banner.Locator("#webknock-banner .webknock-extend").IsVisibleAsync());
        Assert.True(await banner.Locator("#webknock-banner .webknock-time").IsVisibleAsync());
        await Screenshots.SaveAsync(page, $"{ui.Name}-phone-banner-folded", output);

        if (await SignOutAsync(page, "alice") && ui is SquirrelMailUi)
        {
            await page.Locator("#webknock-banner.webknock-closed").WaitForAsync(new() { Timeout = 10_000 });
            await Task.Delay(TimeSpan.FromSeconds(1));
            await Screenshots.SaveAsync(page, $"{ui.Name}-phone-signed-out", output);
        }
    }

    /// <summary>
    /// The knock page's SYNs, retransmitted by the client's kernel (default SYN retries) after a sign-out, must not
    /// open the window again. Watched until <see cref="RetransmissionsEnd"/> after the knock.
    /// </summary>
    public async Task SignOutSoonAfterABrowserKnockAsync()
    {
        Assert.Equal("net.ipv4.tcp_syn_retries = 6", (await A.Namespace.ExecAsync("sysctl", "net.ipv4.tcp_syn_retries")).Output.Trim());
        await using var browser = await NamespaceBrowser.LaunchAsync(A.Namespace, output);
        var page = await (await browser.NewContextAsync()).NewPageAsync();
        var knocked = Stopwatch.StartNew();
        await using (await KnockPageSite.StartAsync(gw, ui.LoginUrl, redirectDelayMs: 500))
        {
            await page.GotoAsync(KnockPageSite.Url);
            await page.WaitForURLAsync(url => url.StartsWith(ui.LoginUrl, StringComparison.Ordinal), new() { Timeout = 20_000 });
        }

        await ui.LoginAsync(page, "alice", "alice-pw");
        await SignOutAsync(page, "alice");
        var signedOut = knocked.Elapsed;
        Step($"signed out {signedOut.TotalSeconds:F1} s after opening the knock page");
        Assert.NotNull(await Eventually.WaitAsync(async () => !(await gw.AllowedAsync()).ContainsKey(A.V4), TimeSpan.FromSeconds(5)));

        var reopened = await Eventually.WaitAsync(async () => (await gw.AllowedAsync()).ContainsKey(A.V4), RetransmissionsEnd - knocked.Elapsed, TimeSpan.FromMilliseconds(250));
        Assert.True(reopened is null,
            $"the window opened again {(knocked.Elapsed - signedOut).TotalSeconds:F1} s after the sign-out ({knocked.Elapsed.TotalSeconds:F1} s after the knock page opened): "
            + string.Join("; ", gw.LogEvents("Window of {Service} opened", ("Address", A.V4.ToString())).Select(e => e.GetValueOrDefault("@t") + " " + e.GetValueOrDefault("Reason"))));
    }

    /// <summary>How long after a browser knock its retransmitted SYNs were seen to complete the sequence again (about 40 s), with a margin.</summary>
    public static readonly TimeSpan RetransmissionsEnd = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Signs out (the webmail's answer says so) and checks the signed-out page that reached the browser. Closing the
    /// window cuts the address's connections, but the connection of the request that closed it is spared, so the
    /// signed-out page must arrive whole: a page lost to the cut fails the test (it used to be only reported; it was
    /// not lost in about 25 sign-outs over the sessions since the fix).
    /// </summary>
    /// <returns>True when the signed-out page reached the browser whole.</returns>
    private async Task<bool> SignOutAsync(IPage page, string user, Action? answered = null)
    {
        var answer = await ui.SignOutAsync(page);
        answered?.Invoke();
        string body;
        try
        {
            body = await answer.TextAsync();
        }
        catch (PlaywrightException e)
        {
            throw new Xunit.Sdk.XunitException($"the signed-out page of {user} did not reach the browser whole ({e.Message.Split('\n')[0]}); the page shows {page.Url}");
        }

        Assert.Contains(ui.SignedOutMarker, body, StringComparison.Ordinal);
        Step($"{user} signed out");
        return true;
    }

    /// <summary>After the last sign-out: the kernel's set lets go of A, the gateway logs why, nothing answers.</summary>
    private async Task AssertClosedAsync(IPage page)
    {
        var gone = await Eventually.WaitAsync(async () => !(await gw.AllowedAsync()).ContainsKey(A.V4), TimeSpan.FromSeconds(5));
        Assert.True(gone is not null, $"{A.V4} is still in the kernel's allowed set 5 s after the sign-out\n{gw.Diagnostics}");
        Step($"window closed in the kernel {gone.Value.TotalMilliseconds:F0} ms after the sign-out page");
        Assert.NotEmpty(gw.LogEvents("Window of {Service} for {Address} closed", ("Address", A.V4.ToString()), ("Reason", "LastSignOut")));
        await AssertUnreachableAsync(page);
    }

    /// <summary>A navigation to the webmail gets no page: it fails or times out, within a bounded time.</summary>
    private async Task AssertUnreachableAsync(IPage page)
    {
        var watch = Stopwatch.StartNew();
        IResponse? response = null;
        Exception? error = null;
        try
        {
            response = await page.GotoAsync(ui.LoginUrl, new() { Timeout = (float)Unreachable.TotalMilliseconds });
        }
        catch (Exception e) when (e is System.TimeoutException or PlaywrightException)
        {
            error = e;
        }

        output.WriteLine($"[{_clock.Elapsed.TotalSeconds,6:F1} s] {ui.LoginUrl}: {(error is null ? $"HTTP {response?.Status}" : $"{error.GetType().Name}: {error.Message.Split('\n')[0]}")} after {watch.ElapsedMilliseconds} ms");
        Assert.True(error is not null, $"the webmail answered HTTP {response?.Status}\n{gw.Diagnostics}");
        Assert.True(watch.Elapsed < Unreachable + TimeSpan.FromSeconds(5), $"the navigation took {watch.Elapsed}");
    }

    /// <summary>
    /// Scrolls the frame's page to its end; returns the room between the lowest line of the page and the banner's top
    /// (negative: the banner covers that much of the page).
    /// </summary>
    private static Task<double> GapAboveBannerAtTheEndAsync(IFrame frame) => frame.EvaluateAsync<double>("""
        () => {
          const b = document.getElementById('webknock-banner');
          window.scrollTo(0, document.documentElement.scrollHeight);
          let bottom = 0;
          for (const e of document.body.querySelectorAll('*')) {
            if (b.contains(e)) continue;
            const r = e.getBoundingClientRect();
            if (r.height > 0) bottom = Math.max(bottom, r.bottom);
          }
          return b.getBoundingClientRect().top - bottom;
        }
        """);

    private async Task<JsonElement> StatusAsync()
        => await gw.StatusAsync(A) ?? throw new InvalidOperationException($"/.webknock/status did not answer A\n{gw.Diagnostics}");

    private static DateTimeOffset ExpiresAt(JsonElement status) => status.GetProperty("expiresAt").GetDateTimeOffset();

    /// <summary>The banner's countdown (mm:ss or h:mm:ss) in seconds.</summary>
    private static async Task<int> RemainingAsync(IFrame frame)
    {
        var text = await frame.Locator("#webknock-banner .webknock-time").InnerTextAsync(new() { Timeout = 10_000 });
        return text.Trim().Split(':').Aggregate(0, (total, part) => (total * 60) + int.Parse(part, CultureInfo.InvariantCulture));
    }

    private static string Format(int seconds) => TimeSpan.FromSeconds(seconds).ToString(@"m\:ss", CultureInfo.InvariantCulture);

    private static async Task<List<string>> TextsAsync(IEnumerable<IFrame> frames, string selector)
    {
        var texts = new List<string>();
        foreach (var frame in frames)
        {
            texts.AddRange(await frame.Locator(selector).AllInnerTextsAsync());
        }

        return texts;
    }

    private static async Task<int> CountAsync(IEnumerable<IFrame> frames, string selector)
    {
        var count = 0;
        foreach (var frame in frames)
        {
            count += await frame.Locator(selector).CountAsync();
        }

        return count;
    }

    private void Step(string what) => output.WriteLine($"[{_clock.Elapsed.TotalSeconds,6:F1} s {DateTime.UtcNow:HH:mm:ss.fff}] {what}");

    private async Task WithDiagnosticsAsync(Func<Task> wait, Func<Task<string>> describe)
    {
        try
        {
            await wait();
        }
        catch (System.TimeoutException e)
        {
            throw new Xunit.Sdk.XunitException($"{e.Message}\n{await describe()}\n{gw.Diagnostics}");
        }
    }
}
