using System.Text;

namespace SquirrelMailFixture;

/// <summary>HTML of the logged-in pages: the frameset, its two frames, messages, compose, printing.</summary>
internal sealed class MailPages(FixtureOptions options, Pages pages)
{
    private static readonly string s_leftBody =
        "<body bgcolor=\"#DCDCDC\" text=\"#000000\" link=\"#0000CC\" vlink=\"#0000CC\" alink=\"#0000CC\">\n";

    private string Title(string what) => $"{options.OrgName} - {what}";

    /// <summary>webmail.php: a frameset and no body; <paramref name="rightSrc"/> is the right frame's URL.</summary>
    public string Frameset(string rightSrc) =>
        pages.Head(Title("Webmail"), frameset: true) + $"""
            <frameset cols="150, *" id="fs1">
            <frame src="left_main.php" name="left" frameborder="1" />
            <frame src="{Pages.Html(rightSrc)}" name="right" frameborder="1" />
            </frameset>
            </html>

            """;

    /// <summary>left_main.php: the folder list, reloading itself every 300 s.</summary>
    public string LeftMain(string user, DateTimeOffset now)
    {
        var folders = new StringBuilder();
        foreach (string folder in Mailbox.Folders)
        {
            folders.Append("<a href=\"right_main.php?PG_SHOWALL=0&amp;sort=0&amp;startMessage=1&amp;mailbox=")
                .Append(Uri.EscapeDataString(folder)).Append("\" target=\"right\" style=\"text-decoration:none\">")
                .Append(folder == Mailbox.InboxName ? $"<b>{folder}</b>" : folder).Append("</a><br />\n");
        }

        return pages.Head(Title("Folders"), "<meta http-equiv=\"refresh\" content=\"300\">\n") + s_leftBody + $"""
            <center><font size="4"><b>Folders</b><br /></font>
            <small>Last Refresh: {now.UtcDateTime:ddd, HH:mm:ss}<br />
            (<a href="../src/left_main.php" target="left">Check mail</a>)</small></center><br />
            <small>{Pages.Html(user)}</small><br />
            {folders}</body></html>

            """;
    }

    /// <summary>right_main.php: the message list of the INBOX.</summary>
    public string RightMain(string user)
    {
        var rows = new StringBuilder();
        foreach (MailMessage message in Mailbox.Inbox)
        {
            rows.Append("<tr><td>").Append(Pages.Html(message.From)).Append("</td><td>")
                .Append(message.Date).Append("</td><td><a href=\"read_body.php?mailbox=INBOX&amp;passed_id=")
                .Append(message.Id).Append("&amp;startMessage=1\">").Append(Pages.Html(message.Subject))
                .Append("</a>").Append(message.Attachments.Count > 0 ? " +" : "").Append("</td></tr>\n");
        }

        return pages.Head(Title("INBOX")) + Pages.Body() + Navigation(user) + $"""
            <table width="100%" cellpadding="1" cellspacing="0" border="0" bgcolor="#ABABAB">
            <tr><td><b>From</b></td><td><b>Date</b></td><td><b>Subject</b></td></tr>
            {rows}</table>
            </body></html>

            """;
    }

    /// <summary>read_body.php: one message with its attachment links.</summary>
    public string ReadBody(string user, MailMessage message)
    {
        var links = new StringBuilder();
        foreach (MailAttachment attachment in message.Attachments)
        {
            string href = $"../src/download.php?startMessage=1&amp;passed_id={message.Id}&amp;mailbox=INBOX&amp;ent_id={attachment.EntityId}";
            links.Append("<tr><td>").Append(Pages.Html(attachment.FileName)).Append("</td><td>")
                .Append(attachment.ContentType).Append("</td><td>").Append(attachment.Bytes.Length / 1024)
                .Append(" k</td><td><a href=\"").Append(href).Append("&amp;absolute_dl=true\">Download</a> | <a href=\"")
                .Append(href).Append("\">View</a></td></tr>\n");
        }

        return pages.Head(Title(message.Subject)) + Pages.Body() + Navigation(user) + $"""
            <table width="100%" cellpadding="2" cellspacing="0" border="0" bgcolor="#FFFFFF">
            <tr><td align="right"><b>Subject:</b></td><td>{Pages.Html(message.Subject)}</td></tr>
            <tr><td align="right"><b>From:</b></td><td>{Pages.Html(message.From)}</td></tr>
            <tr><td align="right"><b>Date:</b></td><td>{message.Date}</td></tr>
            <tr><td colspan="2"><a href="../src/printer_friendly_main.php?passed_ent_id=0&amp;mailbox=INBOX&amp;passed_id={message.Id}" target="_blank">View Printable Version</a></td></tr>
            </table>
            <pre>{Pages.Html(message.Body)}</pre>
            <table width="100%" border="0"><tr><td colspan="4"><b>Attachments:</b></td></tr>
            {links}</table>
            </body></html>

            """;
    }

    /// <summary>compose.php: the compose form (a right-frame page).</summary>
    public string Compose(string user, string? mailtoData) =>
        pages.Head(Title("Compose")) + Pages.Body() + Navigation(user) + $"""
            <form name="compose" action="compose.php" method="post" enctype="multipart/form-data">
            <input type="hidden" name="mailtodata" value="{Pages.Html(mailtoData ?? string.Empty)}" />
            To: <input type="text" name="send_to" size="60" /><br />
            Subject: <input type="text" name="subject" size="60" /><br />
            <textarea name="body" rows="20" cols="76"></textarea><br />
            <input type="submit" name="send" value="Send" />
            </form>
            </body></html>

            """;

    /// <summary>printer_friendly_main.php: a frameset opened in a popup.</summary>
    public string PrinterFrameset(int passedId) =>
        pages.Head(Title("Print"), frameset: true) + $"""
            <frameset rows="60, *" noresize="noresize" border="0">
            <frame src="printer_friendly_top.php" name="top_frame" scrolling="no" />
            <frame src="printer_friendly_bottom.php?passed_ent_id=0&amp;mailbox=INBOX&amp;passed_id={passedId}" name="bottom_frame" />
            </frameset>
            </html>

            """;

    /// <summary>printer_friendly_top.php: print and close buttons.</summary>
    public string PrinterTop() =>
        pages.Head(Title("Print")) + Pages.Body() + """
            <form><input type="button" value="Print" onclick="parent.frames['bottom_frame'].focus(); parent.frames['bottom_frame'].print();" />
            <input type="button" value="Close" onclick="window.parent.close();" /></form>
            </body></html>

            """;

    /// <summary>printer_friendly_bottom.php: the message, plain.</summary>
    public string PrinterBottom(MailMessage message) =>
        pages.Head(Title("Print")) + Pages.Body() + $"""
            <b>Subject:</b> {Pages.Html(message.Subject)}<br />
            <b>From:</b> {Pages.Html(message.From)}<br />
            <b>Date:</b> {message.Date}<br />
            <pre>{Pages.Html(message.Body)}</pre>
            </body></html>

            """;

    /// <summary>The menu line at the top of right-frame pages.</summary>
    private string Navigation(string user) => $"""
        <table width="100%" cellpadding="0" cellspacing="0" border="0" bgcolor="#DCDCDC"><tr>
        <td align="left">Current Folder: <b>INBOX</b></td>
        <td align="right"><b>{Pages.Html(user)}</b> | <a href="{options.BasePath}src/signout.php" target="_top">Sign Out</a></td></tr>
        <tr><td align="left" colspan="2"><a href="{options.BasePath}src/compose.php?mailbox=INBOX&amp;startMessage=1">Compose</a>&nbsp;&nbsp;
        <a href="{options.BasePath}src/right_main.php">INBOX</a>&nbsp;&nbsp;
        <a href="http://squirrelmail.org/" target="_blank">SquirrelMail</a></td></tr></table><br />

        """;
}
