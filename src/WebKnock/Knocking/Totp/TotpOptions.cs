namespace WebKnock.Knocking.Totp;

/// <summary>
/// The TOTP sequence knock of a service (<c>WebKnock:Webmail:Knock:Totp</c>): each knock user's current sequence is
/// <see cref="Ports"/> ports of the range, derived from the user's secret and the 30-second step.
/// </summary>
public sealed class TotpOptions
{
    /// <summary>Whether the service takes TOTP sequence knocks (off by default: it claims a whole port range).</summary>
    public bool Enabled { get; set; }

    /// <summary>How many ports a sequence has (3 to 8).</summary>
    public int Ports { get; set; } = 3;

    /// <summary>First port of the range the sequences are drawn from.</summary>
    public int RangeStart { get; set; } = 20000;

    /// <summary>Last port of the range (inclusive).</summary>
    public int RangeEnd { get; set; } = 29999;

    /// <summary>
    /// The address of the knock page (https, e.g. https://mail.example.org/knock.html) that enrolment links point to;
    /// empty: the admin UI shows the link's fragment alone, to append to wherever the page is hosted.
    /// </summary>
    public string KnockPage { get; set; } = "";
}

/// <summary>What a credentialed knock (TOTP, SPA) opens: the knocker's address, or its whole prefix (mobile carriers).</summary>
public enum CredentialOpens
{
    /// <summary>The one address the knock came from (the default).</summary>
    Address,

    /// <summary>The knocker's /<c>CredentialPrefixV4</c> or /<c>CredentialPrefixV6</c> as a network window.</summary>
    Prefix,
}
