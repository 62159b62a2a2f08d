using System.Globalization;
using System.Text;
using WebKnock.Knocking.Users;

namespace WebKnock.Knocking.Spa;

/// <summary>What a knock user pastes into <c>~/.fwknoprc</c> to knock with fwknop's client (<c>fwknop -n STANZA</c>).</summary>
public static class FwknopRc
{
    /// <summary>
    /// The user's stanza: the server, the SPA port, the user name (SPOOF_USER, which the packet must carry), the keys
    /// in base64, HMAC on, the address resolved by the packet's source (ALLOW_IP source) and the port asked for.
    /// Holds the user's secrets: show it only to an administrator or to that user.
    /// </summary>
    public static string Stanza(KnockUser user, string serverHost, int port = 62201, string access = "tcp/443")
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.SpaKey.Length == 0 || user.SpaHmacKey.Length == 0)
        {
            throw new InvalidOperationException($"The knock user {user.Name} has no SPA keys.");
        }

        var text = new StringBuilder();
        void Line(string name, string value) => text.Append(CultureInfo.InvariantCulture, $"{name,-20}{value}\n");
        text.Append('[').Append(serverHost).Append("]\n");
        Line("SPA_SERVER", serverHost);
        Line("SPA_SERVER_PROTO", "udp");
        Line("SPA_SERVER_PORT", port.ToString(CultureInfo.InvariantCulture));
        Line("SPOOF_USER", user.Name);
        Line("ALLOW_IP", "source");
        Line("ACCESS", access);
        Line("KEY_BASE64", Convert.ToBase64String(user.SpaKey));
        Line("HMAC_KEY_BASE64", Convert.ToBase64String(user.SpaHmacKey));
        Line("USE_HMAC", "Y");
        Line("HMAC_DIGEST_TYPE", "sha256");
        return text.ToString();
    }
}
