using System.Diagnostics;
using Microsoft.Playwright;

namespace PageLoad;

/// <summary>The three timed loads of one session, in ms, and what the browser asked for meanwhile.</summary>
internal sealed record SessionResult(double Login, double Inbox, double Message, int Requests, int OwnRequests, int Documents, string Protocol);

/// <summary>One Roundcube session in a fresh browser context: no cookies, an empty cache, no open connection.</summary>
internal static class Session
{
    private const float Timeout = 30_000;

    public static async Task<SessionResult> RunAsync(IBrowser browser, Target target, string user, string password)
    {
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            IgnoreHTTPSErrors = true, // both proxies use the same kind of self-signed certificate
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
        });
        int requests = 0, own = 0, documents = 0;
        context.Request += (_, r) =>
        {
            Interlocked.Increment(ref requests);
            if (r.Url.Contains("/.webknock/", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref own);
            }

            if (r.ResourceType == "document")
            {
                Interlocked.Increment(ref documents);
            }
        };
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(Timeout);

        // (a) The login page, from nothing: DNS-free loopback, TLS handshake, the page and all it loads.
        var watch = Stopwatch.StartNew();
        var response = await page.GotoAsync(target.Url, new PageGotoOptions { WaitUntil = WaitUntilState.Load });
        var login = watch.Elapsed.TotalMilliseconds;
        if (response is not { Status: 200 } || await page.Locator("#rcmloginuser").CountAsync() == 0)
        {
            throw new InvalidOperationException($"{target.Name}: no login page at {target.Url} (HTTP {response?.Status})");
        }

        var protocol = await page.EvaluateAsync<string>("() => performance.getEntriesByType('navigation')[0].nextHopProtocol");

        // (b) Signing in: the form's post, Roundcube's redirect to the inbox, the page and its list (an XHR after load).
        await page.FillAsync("#rcmloginuser", user);
        await page.FillAsync("#rcmloginpwd", password);
        watch.Restart();
        await page.ClickAsync("#rcmloginsubmit");
        await page.WaitForURLAsync(u => u.Contains("_task=mail", StringComparison.Ordinal), new PageWaitForURLOptions { WaitUntil = WaitUntilState.Load });
        await page.Locator("#messagelist tbody tr").First.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
        var inbox = watch.Elapsed.TotalMilliseconds;

        // (c) A message as a page of its own (what a double click or a link opens), its body shown.
        var uid = await page.EvaluateAsync<string>("() => Object.keys(rcmail.message_list.rows)[0]");
        var messageUrl = $"{target.Url}?_task=mail&_mbox=INBOX&_uid={Uri.EscapeDataString(uid)}&_action=show";
        watch.Restart();
        response = await page.GotoAsync(messageUrl, new PageGotoOptions { WaitUntil = WaitUntilState.Load });
        await page.Locator("#messagebody").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
        var message = watch.Elapsed.TotalMilliseconds;
        if (response is not { Status: 200 })
        {
            throw new InvalidOperationException($"{target.Name}: {messageUrl} answered HTTP {response?.Status}");
        }

        // What the pages still ask for after their load event (Roundcube's and the banner's scripts) counts too.
        try
        {
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle, new PageWaitForLoadStateOptions { Timeout = 5_000 });
        }
        catch (TimeoutException)
        {
            // Still busy after 5 s: counted as far as it got.
        }

        return new SessionResult(login, inbox, message, Volatile.Read(ref requests), Volatile.Read(ref own), Volatile.Read(ref documents), protocol);
    }
}
