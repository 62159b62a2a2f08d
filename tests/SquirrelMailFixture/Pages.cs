using System.Text;

namespace SquirrelMailFixture;

/// <summary>
/// HTML of SquirrelMail 1.4.23's pages outside the mailbox: login, errors, sign-out. Strings here may
/// hold Latin-1 characters; they are sent encoded as iso-8859-1.
/// </summary>
internal sealed class Pages(FixtureOptions options)
{
    /// <summary>The comment every logout_error page ends with; gateways match it, not the translated text.</summary>
    public const string LogoutErrorMarker = "<!-- logout_error -->";

    public const string Version = "SquirrelMail version 1.4.23 [SVN]";

    private const string BodyTag =
        "<body text=\"#000000\" bgcolor=\"#FFFFFF\" link=\"#0000CC\" vlink=\"#0000CC\" alink=\"#0000CC\"";

    private string Base => options.BasePath;

    /// <summary>displayHtmlHeader(): doctype, head with the clickjacking guard, title.</summary>
    public string Head(string title, string extraHead = "", bool frameset = false)
    {
        string doctype = frameset
            ? "<!DOCTYPE html PUBLIC \"-//W3C//DTD HTML 4.01 Frameset//EN\" \"http://www.w3.org/TR/1999/REC-html401-19991224/frameset.dtd\">"
            : "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01 Transitional//EN\">";
        return $$"""
            {{doctype}}

            <html>
            <head>
            <meta name="robots" content="noindex,nofollow">
            <meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">
            {{extraHead}}<script type="text/javascript">
            <!--
            if (self != top) { try { if (document.domain != top.document.domain) { throw "Clickjacking security violation! Please log out immediately!"; } } catch (e) { self.location = "{{Base}}src/signout.php"; top.location = "{{Base}}src/signout.php" } }
            // -->
            </script>
            <title>{{Html(title)}}</title>
            </head>

            """;
    }

    /// <summary>The default theme's body tag, optionally with extra attributes.</summary>
    public static string Body(string extra = "") => BodyTag + extra + ">\n";

    public string Login() =>
        Head($"{options.OrgName} - Login", """
            <script type="text/javascript">
            function squirrelmail_loginpage_onload() {
              document.forms[0].js_autodetect_results.value = '1';
              document.forms[0].elements['login_username'].focus();
            }
            </script>

            """)
        + Body(" onload=\"squirrelmail_loginpage_onload();\"") + $"""
            <form action="redirect.php" method="post" name="login_form">
            <table bgcolor="#FFFFFF" border="0" cellspacing="0" cellpadding="0" width="100%"><tr><td align="center">
            <center><img src="../images/sm_logo.png" alt="{Html(options.OrgName)} Logo" width="308" height="111" /><br />
            <small>{Version}<br />
              By the SquirrelMail Project Team<br /></small>
            <table bgcolor="#FFFFFF" border="0" width="350"><tr><td bgcolor="#DCDCDC" align="center">
            <b>{Html(options.OrgName)} Login</b>
            </td></tr>
            <tr><td bgcolor="#FFFFFF" align="left">
            <table bgcolor="#FFFFFF" align="center" border="0" width="100%">
            <tr><td align="right" width="30%">Name:</td>
            <td align="left" width="70%"><input type="text" name="login_username" value="" onfocus="alreadyFocused=true;" /></td></tr>
            <tr><td align="right" width="30%">Password:</td>
            <td align="left" width="70%"><input type="password" name="secretkey" onfocus="alreadyFocused=true;" />
            <input type="hidden" name="js_autodetect_results" value="0" />
            <input type="hidden" name="just_logged_in" value="1" /></td></tr>
            </table></td></tr>
            <tr><td align="left"><center><input type="submit" value="Login" /></center></td></tr>
            </table></center></td></tr></table>
            </form>
            </body>
            </html>

            """;

    /// <summary>logout_error(): an error box with a link to the login page, then the marker.</summary>
    public string LogoutError(string message) =>
        Head($"{options.OrgName} - {message}") + Body() + $"""
            <center><img src="../images/sm_logo.png" alt="{Html(options.OrgName)} Logo" width="308" height="111" /><br />
            <small>{Version}<br />By the SquirrelMail Project Team<br /></small>
            <table cellspacing="1" cellpadding="0" bgcolor="#800000" width="70%"><tr><td>
            <table width="100%" border="0" bgcolor="#FFFFFF" align="center">
            <tr><td bgcolor="#DCDCDC" align="center"><font color="#CC0000"><b>ERROR</b></font></td></tr>
            <tr><td align="center">{Html(message)}</td></tr>
            <tr><td bgcolor="#DCDCDC" align="center"><font color="#CC0000"><b><a href="{Base}src/login.php" target="_top">Go to the login page</a></b></font></td></tr>
            </table></td></tr></table></center></body></html>
            {LogoutErrorMarker}
            """;

    public string NotLoggedIn() => LogoutError("You must be logged in to access this page.");

    public string BadLogin() => LogoutError("Unknown user or password incorrect.");

    public string SignedOut() =>
        Head($"{options.OrgName} - Signout") + Body() + $"""
            <br /><br />
            <table bgcolor="#FFFFFF" border="0" width="50%" cellspacing="0" cellpadding="2" align="center">
            <tr><td bgcolor="#DCDCDC" align="center"><b>Sign Out</b></td></tr>
            <tr><td align="center">You have been successfully signed out.<br />
            <a href="login.php" target="_top">Click here to log back in.</a><br /><br /></td></tr>
            <tr><td bgcolor="#DCDCDC" align="center"><br /></td></tr>
            </table>
            </body>
            </html>

            """;

    /// <summary>An error_box() inside a normal page (unknown message, unknown attachment).</summary>
    public string ErrorBox(string message) =>
        Head($"{options.OrgName} - Error") + Body() + $"""
            <table width="100%" cellpadding="1" cellspacing="0" align="center" border="0" bgcolor="#800000">
            <tr><td><table width="100%" cellpadding="0" cellspacing="0" align="center" border="0" bgcolor="#FFFFFF">
            <tr><td align="center" bgcolor="#DCDCDC"><font color="#CC0000"><b>ERROR:</b></font></td></tr>
            <tr><td align="center"><b>{Html(message)}</b></td></tr>
            </table></td></tr></table>
            </body>
            </html>

            """;

    /// <summary>Escapes markup characters only; Latin-1 letters stay as they are (no numeric entities).</summary>
    public static string Html(string text)
    {
        var escaped = new StringBuilder(text.Length + 16);
        foreach (char c in text)
        {
            escaped.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                _ => c.ToString(),
            });
        }

        return escaped.ToString();
    }
}
