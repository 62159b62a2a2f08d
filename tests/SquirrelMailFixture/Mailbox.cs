namespace SquirrelMailFixture;

/// <summary>An attachment of a sample message: its MIME entity id and the bytes download.php sends.</summary>
public sealed record MailAttachment(string EntityId, string FileName, string ContentType, ReadOnlyMemory<byte> Bytes);

/// <summary>A sample message in the INBOX.</summary>
public sealed record MailMessage(int Id, string From, string Subject, string Date, string Body, IReadOnlyList<MailAttachment> Attachments);

/// <summary>The fixed INBOX every user sees (the fixture has no IMAP server behind it).</summary>
public static class Mailbox
{
    public const string InboxName = "INBOX";

    /// <summary>Folder names shown in left_main.php.</summary>
    public static IReadOnlyList<string> Folders { get; } = [InboxName, "Drafts", "Sent", "Trash"];

    /// <summary>Messages, newest last; message 2 carries the HTML and the binary attachment.</summary>
    public static IReadOnlyList<MailMessage> Inbox { get; } =
    [
        new(1, "Postmaster <postmaster@example.org>", "Welcome to webmail", "Mon, 3 Mar 2025 09:00",
            "Hello,\n\nyour mailbox is ready.\n\n-- \nThe postmaster", []),
        new(2, "Carole Dupré <carole@example.org>", "Réunion: quarterly report", "Tue, 4 Mar 2025 14:12",
            "Hi,\n\nthe report is attached, with the raw data.\n\nCarole",
            [
                new("2", Attachments.HtmlReportName, Attachments.HtmlReportType, Attachments.HtmlReportBytes),
                new("3", Attachments.BinaryName, Attachments.BinaryType, Attachments.BinaryBytes),
            ]),
        new(3, "Dan <dan@example.net>", "Lunch?", "Wed, 5 Mar 2025 11:47",
            "Lunch at noon?\n\n> quoted <b>markup</b> stays text & is escaped", []),
    ];

    public static MailMessage? Find(int id) => Inbox.FirstOrDefault(m => m.Id == id);

    public static MailAttachment? FindAttachment(int messageId, string? entityId) =>
        Find(messageId)?.Attachments.FirstOrDefault(a => a.EntityId == entityId);
}
