using Microsoft.Playwright;
using WebKnock.NetworkTests.Infrastructure;

namespace WebKnock.NetworkTests.Browser;

/// <summary>
/// What a user does in one webmail's pages, as clicks in a real browser. The scenarios in
/// <see cref="BrowserScenarios"/> are the same for every webmail; only these steps differ.
/// </summary>
public interface IWebmailUi
{
    /// <summary>Short name, for screenshots: <c>roundcube</c>, <c>squirrelmail</c>.</summary>
    string Name { get; }

    /// <summary>The login page through the gateway (where the knock page sends the user).</summary>
    string LoginUrl { get; }

    /// <summary>Signs in with the login form (opening it unless the page shows it); returns the frame that carries the banner.</summary>
    Task<IFrame> LoginAsync(IPage page, string user, string password);

    /// <summary>Opens the message with the HTML and the binary attachment, as a user of this webmail does.</summary>
    Task<MessageView> OpenReportAsync(IPage page);

    /// <summary>Opens the HTML attachment of the open message as the webmail does (a popup, a frame).</summary>
    Task<AttachmentView> OpenHtmlAttachmentAsync(IPage page);

    /// <summary>Downloads the binary attachment of the open message.</summary>
    Task<IDownload> DownloadBinaryAsync(IPage page);

    /// <summary>The binary attachment's name as the webmail offers it.</summary>
    string BinaryName { get; }

    /// <summary>The SHA-256 of the binary attachment as the webmail holds it, read around the gateway.</summary>
    Task<byte[]> OriginalBinarySha256Async(GatewayScenario gw);

    /// <summary>
    /// Signs out with the webmail's own link; returns the answer to it, whose status and cookies say that the
    /// webmail ended the session (checked here).
    /// </summary>
    Task<IResponse> SignOutAsync(IPage page);

    /// <summary>Text that the webmail's signed-out page holds.</summary>
    string SignedOutMarker { get; }

    /// <summary>Goes on working: opens another page of the signed-in webmail; returns the frame that carries the banner.</summary>
    Task<IFrame> WorkAsync(IPage page);
}

/// <summary>A message on screen: the frame that shows it, and the frame that carries the banner (the same, or the page around it).</summary>
public sealed record MessageView(IFrame Message, IFrame Banner);

/// <summary>
/// An attachment on screen: every frame of the page that shows it, and how to leave it again. <paramref name="InWebmailPage"/>:
/// the webmail shows it inside one of its own content pages (SquirrelMail's view_text.php), which carries the banner;
/// otherwise the attachment's own document is on screen, which never does.
/// </summary>
public sealed record AttachmentView(IReadOnlyList<IFrame> Frames, Func<Task> CloseAsync, bool InWebmailPage = false);
