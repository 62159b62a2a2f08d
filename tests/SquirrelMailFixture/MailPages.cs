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

    /// <summary>
    /// read_body.php: one message with its attachment links, as formatAttachments() and the attachment_common hooks of
    /// 1.4.23 make them: every attachment has "Download" (download.php with absolute_dl); a text/html one also has
    /// "View", which opens view_text.php (a SquirrelMail page in the right frame), and its name links there too.
    /// </summary>
    public string ReadBody(string user, MailMessage message)
    {
        var links = new StringBuilder();
        foreach (MailAttachment attachment in message.Attachments)
        {
            string download = $"../src/download.php?startMessage=1&amp;passed_id={message.Id}&amp;mailbox=INBOX&amp;ent_id={attachment.EntityId}";
            string? view = attachment.ContentType == "text/html" ? ViewTextHref(message.Id, attachment.EntityId) : null;
            links.Append("<tr><td><a href=\"").Append(view ?? download).Append("\">").Append(Pages.Html(attachment.FileName))
                .Append("</a>&nbsp;</td><td>").Append(attachment.ContentType).Append("</td><td>").Append(attachment.Bytes.Length / 1024)
                .Append(" k</td><td><a href=\"").Append(download).Append("&amp;absolute_dl=true\">Download</a>");
            if (view is not null)
            {
                links.Append(" | <a href=\"").Append(view).Append("\">View</a>");
            }

            links.Append("</td></tr>\n");
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

    /// <summary>attachment_common_link_html(): read_body's query string, the entity, and the override type.</summary>
    public static string ViewTextHref(int passedId, string entityId) =>
        $"../src/view_text.php?mailbox=INBOX&amp;passed_id={passedId}&amp;startMessage=1&amp;override_type0=text&amp;override_type1=html&amp;ent_id={entityId}";

    /// <summary>
    /// view_text.php: a text attachment shown in a SquirrelMail page (right frame): the menu, "View message" and
    /// "Download this as a file" links, and the attachment's HTML made safe as MagicHTML does (no script, no head or
    /// body of its own; characters outside the page's charset as numeric references).
    /// </summary>
    public string ViewText(string user, MailMessage message, MailAttachment attachment) =>
        pages.Head(Title(message.Subject)) + Pages.Body() + Navigation(user) + $"""
            <br /><table width="100%" border="0" cellspacing="0" cellpadding="2" align="center"><tr><td bgcolor="#DCDCDC">
            <b><center>Viewing a text attachment - <a href="read_body.php?mailbox=INBOX&amp;passed_id={message.Id}&amp;startMessage=1">View message</a></center></b></td></tr>
            <tr><td><center><a href="../src/download.php?absolute_dl=true&amp;passed_id={message.Id}&amp;ent_id={attachment.EntityId}&amp;mailbox=INBOX">Download this as a file</a></center><br /></td></tr></table>
            <table width="98%" border="0" cellspacing="0" cellpadding="2" align="center"><tr><td bgcolor="#FFFFFF"><tt>
            {SafeHtml(attachment)}
            </tt></td></tr></table>
            </body></html>

            """;

    /// <summary>addrbook_popup.php: the JavaScript address book, a frameset opened in a popup by compose.</summary>
    public string AddressBookPopup() =>
        pages.Head(Title("Address Book"), frameset: true) + """
            <frameset rows="70, *" border="0">
            <frame name="abookmain" marginwidth="0" scrolling="no" border="0" src="addrbook_search.php?show=form" />
            <frame name="abookres" marginwidth="0" border="0" src="addrbook_search.php?show=blank" />
            </frameset>
            </html>

            """;

    /// <summary>addrbook_search.php: the popup's search form (show=form), its empty results (show=blank), or results.</summary>
    public string AddressBookSearch(string? show, string? query) =>
        pages.Head(Title("Address Book Search")) + Pages.Body() + (show switch
        {
            "form" => """
                <form name="sform" target="abookres" action="addrbook_search.php" method="get">
                <center>Search for <input type="text" name="query" value="" size="28" />
                <input type="submit" value="Search" /> <input type="button" value="Close" onclick="parent.close();" /></center>
                </form>
                """,
            "blank" => "",
            _ => $"""
                <table border="0" width="98%" align="center"><tr><th align="left">Name</th><th align="left">E-mail</th></tr>
                <tr><td>Carole Dupr&#233;</td><td><a href="javascript:to_address('carole@example.org');">carole@example.org</a></td></tr>
                </table><!-- query: {Pages.Html(query ?? string.Empty)} -->
                """,
        }) + "\n</body></html>\n";

    private static string SafeHtml(MailAttachment attachment)
    {
        string html = Encoding.UTF8.GetString(attachment.Bytes.Span);
        int start = html.IndexOf("<body>", StringComparison.OrdinalIgnoreCase);
        int end = html.LastIndexOf("</body>", StringComparison.OrdinalIgnoreCase);
        string inner = start >= 0 && end > start ? html[(start + "<body>".Length)..end] : html;
        inner = System.Text.RegularExpressions.Regex.Replace(inner, "<script.*?</script>", string.Empty,
            System.Text.RegularExpressions.RegexOptions.Singleline | System.Text.RegularExpressions.RegexOptions.IgnoreCase);
        var safe = new StringBuilder(inner.Length);
        foreach (System.Text.Rune rune in inner.EnumerateRunes())
        {
            if (rune.IsAscii)
            {
                safe.Append((char)rune.Value);
            }
            else
            {
                safe.Append("&#").Append(rune.Value).Append(';');
            }
        }

        return safe.ToString().Trim();
    }

    /// <summary>compose.php: the compose form (a right-frame page).</summary>
    public string Compose(string user, string? mailtoData) =>
        pages.Head(Title("Compose")) + Pages.Body() + Navigation(user) + $"""
            <form name="compose" action="compose.php" method="post" enctype="multipart/form-data">
            <input type="hidden" name="mailtodata" value="{Pages.Html(mailtoData ?? string.Empty)}" />
            To: <input type="text" name="send_to" size="60" /><br />
            Subject: <input type="text" name="subject" size="60" /><br />
            <textarea name="body" rows="20" cols="76"></textarea><br />
            <input type="button" name="addresses" value="Addresses" onclick="window.open('addrbook_popup.php', 'abookpopup', 'width=670,height=300,resizable=yes,scrollbars=yes');" />
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
