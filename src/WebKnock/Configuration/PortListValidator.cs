using System.Globalization;
using Microsoft.Extensions.Options;

namespace WebKnock.Configuration;

/// <summary>
/// The configuration binder silently skips an array item it cannot convert ("Ports:0 = seven" would
/// leave a shorter knock). This reads the port lists as written and refuses any item that is not a
/// whole number, naming its key.
/// </summary>
internal sealed class PortListValidator(IConfiguration configuration) : IValidateOptions<WebKnockOptions>
{
    private static readonly string[] Lists =
    [
        "Webmail:Knock:Ports",
        "Webmail:ProtectedPorts",
        "Ssh:Knock:Ports",
        "Ssh:ProtectedPorts",
    ];

    public ValidateOptionsResult Validate(string? name, WebKnockOptions options)
    {
        var errors = new List<string>();
        foreach (var list in Lists)
        {
            var key = $"{WebKnockOptions.SectionName}:{list}";
            foreach (var item in configuration.GetSection(key).GetChildren())
            {
                if (!int.TryParse(item.Value, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                {
                    errors.Add($"{item.Path} must be a port number (got \"{item.Value}\").");
                }
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
