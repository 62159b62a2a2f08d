namespace WebKnock.Knocking.Users;

/// <summary>
/// Knock users given in the configuration, <c>WebKnock:Knock:Users</c> (for administrators who keep everything in files;
/// the gateway's own store adds the ones managed from the admin UI and the command line).
/// </summary>
public sealed class KnockUsersOptions
{
    public const string SectionName = "WebKnock:Knock";

    /// <summary>The configured users.</summary>
    public List<ConfiguredKnockUser> Users { get; set; } = [];
}

/// <summary>One configured knock user; secrets in the forms authenticator apps and fwknop use.</summary>
public sealed class ConfiguredKnockUser
{
    public string Name { get; set; } = "";

    public bool Enabled { get; set; } = true;

    /// <summary>The TOTP secret in base32 (RFC 4648, as authenticator apps show it).</summary>
    public string TotpSecret { get; set; } = "";

    /// <summary>fwknop's KEY_BASE64: the Rijndael key.</summary>
    public string SpaKey { get; set; } = "";

    /// <summary>fwknop's HMAC_KEY_BASE64: the HMAC-SHA256 key.</summary>
    public string SpaHmacKey { get; set; } = "";

    /// <summary>Whether an SPA request may name another address than the packet's source.</summary>
    public bool MayRequestOtherAddress { get; set; }
}
