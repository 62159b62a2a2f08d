using System.Security.Cryptography;
using Microsoft.Playwright;
using WebKnock.NetworkTests.Infrastructure;

namespace WebKnock.NetworkTests.Browser;

/// <summary>Roundcube 1.6 with its Elastic skin, as scripts/install-roundcube.sh seeds it (alice's "Report with attachments").</summary>
public sealed class RoundcubeUi : IWebmailUi
{
    private static readonly LocatorWaitForOptions Visible = new() { Timeout = 20_000 };

    public string Name => "roundcube";

    public string LoginUrl => GatewayScenario.Url("/roundcube/");

    public string BinaryName => "data.bin";

    public async Task<IFrame> LoginAsync(IPage page, string user, string password)
    {
        if (await page.Locator("#rcmloginuser").CountAsync() == 0)
        {
            await page.GotoAsync(LoginUrl);
        }

        await page.FillAsync("#rcmloginuser", user);
        await page.FillAsync("#rcmloginpwd", password);
        await page.ClickAsync("#rcmloginsubmit");
        await page.WaitForURLAsync(url => url.Contains("_task=mail", StringComparison.Ordinal), new() { Timeout = 20_000 });
        await page.Locator("#layout-list").WaitForAsync(Visible); // the message list column (an empty list is hidden)
        return page.MainFrame;
    }

    public async Task<MessageView> OpenReportAsync(IPage page)
    {
        // A click shows the message in the preview frame beside the list (_framed=1), the banner stays on the page.
        await page.Locator("#messagelist tr", new() { HasText = "Report with attachments" }).ClickAsync();
        var preview = await PreviewAsync(page);
        await preview.Locator("#attachment-list").WaitForAsync(Visible);
        return new MessageView(preview, page.MainFrame);
    }

    public async Task<AttachmentView> OpenHtmlAttachmentAsync(IPage page)
    {
        // Roundcube opens a viewer window (_frame=1) with the washed attachment in an iframe (_embed=1).
        var preview = await PreviewAsync(page);
        var popup = await page.Context.RunAndWaitForPageAsync(
            () => preview.Locator("#attachment-list li", new() { HasText = "report.html" }).Locator("a.filename").ClickAsync(),
            new() { Timeout = 20_000 });
        await popup.WaitForLoadStateAsync(LoadState.Load, new() { Timeout = 20_000 });
        await popup.FrameLocator("iframe").Locator("h1").WaitForAsync(Visible);
        return new AttachmentView(popup.Frames, () => popup.CloseAsync());
    }

    public async Task<IDownload> DownloadBinaryAsync(IPage page)
    {
        var preview = await PreviewAsync(page);
        return await page.RunAndWaitForDownloadAsync(
            () => preview.Locator("#attachment-list li", new() { HasText = BinaryName }).Locator("a.filename").ClickAsync(),
            new() { Timeout = 20_000 });
    }

    public Task<byte[]> OriginalBinarySha256Async(GatewayScenario gw)
        => Task.FromResult(SHA256.HashData(File.ReadAllBytes(Path.Combine(BrowserRequirements.RoundcubeOriginals, BinaryName))));

    public string SignedOutMarker => "rcmloginuser";

    public async Task<IResponse> SignOutAsync(IPage page)
    {
        // The answer (the login page again) is the last thing the gateway lets through: the window closes with it,
        // so the page's styles and scripts (and with them Roundcube's "successfully terminated" message) no longer
        // load, and the parser waits seconds for the scripts in its head to fail. The answer tells what happened.
        // On a phone the link is in Roundcube's folded menu: there it gets the click event the tap would give it.
        var logout = page.Locator("a.logout");
        var visible = await logout.IsVisibleAsync();
        var response = await page.RunAndWaitForResponseAsync(
            () => visible ? logout.ClickAsync() : logout.EvaluateAsync("e => e.click()"),
            r => r.Url.Contains("_task=logout", StringComparison.Ordinal),
            new() { Timeout = 20_000 });
        Assert.Equal(200, response.Status);
        var cookies = await response.HeaderValuesAsync("set-cookie");
        Assert.Contains(cookies, c => c.StartsWith("roundcube_sessauth=-del-", StringComparison.Ordinal));
        return response;
    }

    public async Task<IFrame> WorkAsync(IPage page)
    {
        var response = await page.RunAndWaitForResponseAsync(
            () => page.Locator("#taskmenu a.settings").ClickAsync(),
            r => r.Url.Contains("_task=settings", StringComparison.Ordinal) && r.Request.ResourceType == "document",
            new() { Timeout = 20_000 });
        Assert.Equal(200, response.Status);
        await page.Locator("#settings-menu").WaitForAsync(Visible);
        return page.MainFrame;
    }

    private static async Task<IFrame> PreviewAsync(IPage page)
    {
        IFrame? preview = null;
        await Eventually.WaitAsync(
            () => (preview = page.Frame("messagecontframe")) is { } f && f.Url.Contains("_action=preview", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        return preview is not null && preview.Url.Contains("_action=preview", StringComparison.Ordinal)
            ? preview
            : throw new InvalidOperationException($"No message preview in {page.Url} ({preview?.Url})");
    }
}
