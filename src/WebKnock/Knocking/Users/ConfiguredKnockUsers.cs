using Microsoft.Extensions.Options;

namespace WebKnock.Knocking.Users;

/// <summary>The knock users of <c>WebKnock:Knock:Users</c>, decoded once (the validator has refused bad ones at start).</summary>
internal sealed class ConfiguredKnockUsers(IOptions<KnockUsersOptions> options) : IKnockUsers
{
    private readonly KnockUser[] _users = [.. options.Value.Users.Select(Decode)];

    public KnockUser? Find(string name) => _users.FirstOrDefault(u => string.Equals(u.Name, name, StringComparison.Ordinal));

    public IReadOnlyList<KnockUser> List() => _users;

    internal static KnockUser Decode(ConfiguredKnockUser user)
    {
        Base32.TryDecode(user.TotpSecret, out var totp);
        return new KnockUser(user.Name, user.Enabled, totp, FromBase64(user.SpaKey), FromBase64(user.SpaHmacKey), user.MayRequestOtherAddress);
    }

    internal static byte[] FromBase64(string text)
    {
        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out var written) ? buffer[..written] : [];
    }
}

/// <summary>Refuses a configured user without a valid name or with a secret that does not decode; never prints a secret.</summary>
internal sealed class KnockUsersOptionsValidator : IValidateOptions<KnockUsersOptions>
{
    public ValidateOptionsResult Validate(string? name, KnockUsersOptions options)
    {
        var errors = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Users.Count; i++)
        {
            var key = $"{KnockUsersOptions.SectionName}:Users:{i}";
            var user = options.Users[i];
            if (!KnockUserNames.IsValid(user.Name))
            {
                errors.Add($"{key}:Name must be 1-64 characters of letters, digits, '.', '_', '-' or '@'.");
            }
            else if (!seen.Add(user.Name))
            {
                errors.Add($"{key}:Name '{user.Name}' is given twice.");
            }

            if (user.TotpSecret.Length > 0 && (!Base32.TryDecode(user.TotpSecret, out var totp) || totp.Length < 10))
            {
                errors.Add($"{key}:TotpSecret must be base32 (RFC 4648) of at least 10 bytes (16 characters).");
            }

            if (user.SpaKey.Length > 0 && ConfiguredKnockUsers.FromBase64(user.SpaKey).Length is 0 or > 32)
            {
                errors.Add($"{key}:SpaKey must be base64 of 1-32 bytes (fwknop's KEY_BASE64).");
            }

            if (user.SpaHmacKey.Length > 0 && ConfiguredKnockUsers.FromBase64(user.SpaHmacKey).Length is < 16 or > 128)
            {
                errors.Add($"{key}:SpaHmacKey must be base64 of 16-128 bytes (fwknop's HMAC_KEY_BASE64).");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>What a knock user's name may be: it goes into SPA packets, log fields and the admin UI.</summary>
internal static class KnockUserNames
{
    public static bool IsValid(string? name)
        => !string.IsNullOrEmpty(name) && name.Length <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '@');
}
