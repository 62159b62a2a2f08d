using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace WebKnock.Hosting;

/// <summary>
/// Turns a start that failed on configuration into one line for the administrator: the key, and the form the value
/// must take. The binder says "Failed to convert configuration value 'abc' at 'WebKnock:Webmail:Window' to type
/// 'System.TimeSpan'" and the validators name their keys; anything else is not a configuration error and is left alone.
/// </summary>
internal static partial class StartupFailure
{
    /// <summary>The exit code of a start refused on configuration (sysexits' EX_CONFIG).</summary>
    public const int ExitCode = 78;

    // Values of such keys never appear in the line, even when they are wrong.
    private static readonly string[] SecretWords = ["password", "secret", "key", "token", "hash"];

    /// <summary>The line to print, or null when <paramref name="exception"/> is not about configuration.</summary>
    public static string? Describe(Exception exception)
    {
        var failures = new List<string>();
        Collect(exception, failures);
        return failures.Count == 0 ? null : "webknock: configuration error: " + string.Join("; ", failures.Distinct(StringComparer.Ordinal));
    }

    /// <summary>The form a value of <paramref name="typeName"/> (as the binder names it) must take, in words.</summary>
    internal static string ExpectedForm(string typeName)
    {
        var name = NullableOf().Match(typeName) is { Success: true } nullable ? nullable.Groups["inner"].Value : typeName;
        return name switch
        {
            "System.TimeSpan" => "a time span as [d.]hh:mm[:ss], for example 00:30:00 (30 minutes) or 1.00:00:00 (a day)",
            "System.Int32" or "System.Int64" or "System.Int16" or "System.UInt16" or "System.UInt32" or "System.UInt64" or "System.Byte" =>
                "a whole number, for example 30",
            "System.Double" or "System.Single" or "System.Decimal" => "a number, for example 0.5",
            "System.Boolean" => "true or false",
            "System.Uri" => "a URL, for example http://127.0.0.1:8080/",
            "System.DateTimeOffset" or "System.DateTime" => "a date and time, for example 2026-01-31T08:00:00Z",
            _ when FindEnum(name) is { } enumType => "one of " + string.Join(", ", Enum.GetNames(enumType)),
            _ => $"a value of type {name[(name.LastIndexOf('.') + 1)..]}",
        };
    }

    private static void Collect(Exception? exception, List<string> failures)
    {
        switch (exception)
        {
            case null:
                return;
            case OptionsValidationException validation:
                failures.AddRange(validation.Failures.Select(OneLine));
                return;
            case AggregateException aggregate:
                foreach (var inner in aggregate.InnerExceptions)
                {
                    Collect(inner, failures);
                }

                return;
            case InvalidOperationException when BinderFailure().Match(exception.Message) is { Success: true } match:
                var key = match.Groups["key"].Value;
                var value = match.Groups["value"].Value;
                var shown = SecretWords.Any(w => key.Contains(w, StringComparison.OrdinalIgnoreCase)) || value.Length > 80
                    ? string.Empty
                    : $" (got \"{OneLine(value)}\")";
                failures.Add($"{key}{shown} must be {ExpectedForm(match.Groups["type"].Value)}");
                return;
            default:
                Collect(exception.InnerException, failures);
                return;
        }
    }

    private static Type? FindEnum(string fullName)
    {
        var type = typeof(StartupFailure).Assembly.GetType(fullName) ?? Type.GetType(fullName);
        return type is { IsEnum: true } ? type : null;
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();

    [GeneratedRegex(@"^Failed to convert configuration value '(?<value>.*)' at '(?<key>[^']*)' to type '(?<type>[^']*)'", RegexOptions.Singleline)]
    private static partial Regex BinderFailure();

    [GeneratedRegex(@"^System\.Nullable`1\[\[(?<inner>[^,\]]+)")]
    private static partial Regex NullableOf();
}
