using Microsoft.Extensions.Options;
using WebKnock.Configuration;

namespace WebKnock.Admin;

/// <summary>Refuses a start with administrator options that cannot work or are not safe; every message names its key.</summary>
internal sealed class AdminOptionsValidator(IOptions<WebKnockOptions> webknock) : IValidateOptions<AdminOptions>
{
    private const string Prefix = AdminOptions.SectionName + ":";

    public ValidateOptionsResult Validate(string? name, AdminOptions options)
    {
        var errors = new List<string>();
        ValidatePath(options.Path, webknock.Value.PathPrefix, errors);

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.Users.Length; i++)
        {
            var user = options.Users[i];
            if (string.IsNullOrWhiteSpace(user.Name) || user.Name.Trim() != user.Name || user.Name.Length > 64 || user.Name.Any(char.IsControl))
            {
                errors.Add($"{Prefix}Users:{i}:Name must be a name of 1 to 64 characters without surrounding spaces.");
            }
            else if (!names.Add(user.Name))
            {
                errors.Add($"{Prefix}Users:{i}:Name repeats the administrator \"{user.Name}\".");
            }

            if (!AdminPasswordHash.TryParse(user.PasswordHash, out _, out var problem))
            {
                errors.Add($"{Prefix}Users:{i}:PasswordHash {problem}.");
            }
        }

        if (!NetworkList.TryParse(options.Networks, out _, out var bad))
        {
            errors.Add($"{Prefix}Networks:{bad} is not an address or a network (got \"{options.Networks[bad]}\").");
        }

        if (options.MaxFailedSignIns is < 1 or > 1000)
        {
            errors.Add($"{Prefix}MaxFailedSignIns must be between 1 and 1000 (got {options.MaxFailedSignIns}).");
        }

        if (options.MaxConcurrentVerifications is < 1 or > 64)
        {
            errors.Add($"{Prefix}MaxConcurrentVerifications must be between 1 and 64 (got {options.MaxConcurrentVerifications}).");
        }

        if (options.Lockout < TimeSpan.FromSeconds(1) || options.Lockout > TimeSpan.FromDays(1))
        {
            errors.Add($"{Prefix}Lockout must be between 00:00:01 and 1.00:00:00 (got {options.Lockout}).");
        }

        if (options.SessionLifetime < TimeSpan.FromMinutes(1) || options.SessionLifetime > TimeSpan.FromDays(1))
        {
            errors.Add($"{Prefix}SessionLifetime must be between 00:01:00 and 1.00:00:00 (got {options.SessionLifetime}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidatePath(string path, string gatewayPrefix, List<string> errors)
    {
        var segments = path.Split('/');
        if (path.Length < 2 || path[0] != '/' || path.EndsWith('/')
            || segments.Skip(1).Any(s => s.Length == 0 || s is "." or ".." || !s.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~')))
        {
            errors.Add($"{Prefix}Path must start with '/', hold letters, digits, '-', '_', '.' or '~' and not end with '/', like /admin (got \"{path}\").");
            return;
        }

        var prefix = new PathString(gatewayPrefix.TrimEnd('/'));
        var admin = new PathString(path);
        if (admin.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase) || prefix.StartsWithSegments(admin, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"{Prefix}Path ({path}) overlaps {WebKnockOptions.SectionName}:PathPrefix ({gatewayPrefix}); choose a path of its own.");
        }
    }
}
