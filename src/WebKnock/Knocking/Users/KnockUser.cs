namespace WebKnock.Knocking.Users;

/// <summary>
/// A person who may knock with a credential: a TOTP secret for the browser's sequence knock, and fwknop-style keys
/// (Rijndael and HMAC-SHA256) for single-packet authorization. Secrets are never logged or shown on a page the
/// user did not ask for.
/// </summary>
/// <param name="Name">The user name (also the SPA packet's user field).</param>
/// <param name="Enabled">A disabled user's knocks open nothing.</param>
/// <param name="TotpSecret">The RFC 6238 secret (20 bytes for HMAC-SHA1).</param>
/// <param name="SpaKey">The fwknop Rijndael key (its base64 form is fwknop's KEY_BASE64).</param>
/// <param name="SpaHmacKey">The fwknop HMAC-SHA256 key (HMAC_KEY_BASE64).</param>
/// <param name="MayRequestOtherAddress">Whether an SPA request may name another address than the packet's source.</param>
public sealed record KnockUser(
    string Name,
    bool Enabled,
    byte[] TotpSecret,
    byte[] SpaKey,
    byte[] SpaHmacKey,
    bool MayRequestOtherAddress = false)
{
    // A record prints its members: keep the secrets out of any log line or exception message.
    public override string ToString() => $"KnockUser {{ Name = {Name}, Enabled = {Enabled} }}";
}

/// <summary>Where the gateway finds its knock users (the SQLite store; tests use a list).</summary>
public interface IKnockUsers
{
    /// <summary>The user of that name, or null; names compare ordinally.</summary>
    KnockUser? Find(string name);

    /// <summary>Every user, enabled or not.</summary>
    IReadOnlyList<KnockUser> List();
}
