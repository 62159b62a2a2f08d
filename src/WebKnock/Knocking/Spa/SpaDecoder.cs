using WebKnock.Knocking.Users;

namespace WebKnock.Knocking.Spa;

/// <summary>The decoder's answer: the outcome, and for an authenticated packet the user and (when it decoded) the message.</summary>
public sealed record SpaDecodeResult(SpaOutcome Outcome, KnockUser? User = null, SpaMessage? Message = null);

/// <summary>
/// Reads one UDP payload as fwknop 2.6's client writes it (Rijndael with HMAC-SHA256). As fwknopd tries each stanza
/// of its access.conf, the HMAC is tried with each user's key; only the user whose key authenticates the packet
/// has their key used to decrypt it, and the packet must name that user. Any input gives a result, never an exception.
/// </summary>
internal static class SpaDecoder
{
    public static SpaDecodeResult Decode(ReadOnlySpan<byte> payload, IReadOnlyList<KnockUser> users)
    {
        try
        {
            return DecodeCore(payload, users);
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or FormatException or ArgumentException or OverflowException)
        {
            // Every check above is meant to come first; this is the last line against a defect, not a path.
            return new SpaDecodeResult(SpaOutcome.Malformed);
        }
    }

    private static SpaDecodeResult DecodeCore(ReadOnlySpan<byte> payload, IReadOnlyList<KnockUser> users)
    {
        if (!SpaEnvelope.TrySplit(payload, out var authenticated, out var hmac))
        {
            return new SpaDecodeResult(SpaOutcome.Malformed);
        }

        KnockUser? user = null;
        foreach (var candidate in users)
        {
            // Every key is tried, so the time taken does not tell which user (if any) the packet belongs to.
            if (candidate.SpaHmacKey.Length > 0 && candidate.SpaKey.Length > 0
                && SpaEnvelope.Authenticates(authenticated, hmac, candidate.SpaHmacKey) && user is null)
            {
                user = candidate;
            }
        }

        if (user is null)
        {
            return new SpaDecodeResult(SpaOutcome.BadHmac);
        }

        if (!SpaEnvelope.TryDecrypt(authenticated, user.SpaKey, out var plaintext))
        {
            return new SpaDecodeResult(SpaOutcome.BadCiphertext, user);
        }

        var outcome = SpaPlaintext.TryParse(plaintext, out var message);
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(plaintext);
        if (outcome != SpaOutcome.Accepted)
        {
            return new SpaDecodeResult(outcome, user);
        }

        if (!string.Equals(message!.User, user.Name, StringComparison.Ordinal))
        {
            return new SpaDecodeResult(SpaOutcome.WrongUser, user, message);
        }

        return user.Enabled ? new SpaDecodeResult(SpaOutcome.Accepted, user, message) : new SpaDecodeResult(SpaOutcome.UserDisabled, user, message);
    }
}
