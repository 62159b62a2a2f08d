using System.Reflection;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace WebKnock.Hosting;

/// <summary>
/// <c>Kestrel:Limits</c> from the configuration. Kestrel itself reads only its endpoints and certificates from the
/// <c>Kestrel</c> section; without this, the limits in appsettings.json (header timeout, keep-alive, data rates)
/// would be silently ignored and Kestrel's defaults would apply. An unknown key or a bad value stops the start with
/// a message naming the key.
/// </summary>
internal static class KestrelLimitsConfiguration
{
    public const string SectionName = "Kestrel:Limits";

    public static void Bind(IConfiguration configuration, KestrelServerLimits limits)
    {
        var section = configuration.GetSection(SectionName);
        var requestBody = DataRate(section.GetSection(nameof(KestrelServerLimits.MinRequestBodyDataRate)), limits.MinRequestBodyDataRate);
        var response = DataRate(section.GetSection(nameof(KestrelServerLimits.MinResponseDataRate)), limits.MinResponseDataRate);
        if (Problem(section, limits) is { } problem)
        {
            // Which key: each one alone, on a throw-away instance, so the message can name it.
            var key = section.GetChildren().FirstOrDefault(child => Problem(child, new KestrelServerLimits(), alone: true) is not null)?.Path ?? SectionName;
            throw Invalid(key, problem);
        }

        limits.MinRequestBodyDataRate = requestBody;
        limits.MinResponseDataRate = response;
    }

    /// <summary>
    /// A <see cref="MinDataRate"/> (<c>BytesPerSecond</c> and <c>GracePeriod</c>; an empty value turns the limit off).
    /// The binder cannot do it: the type has no setters, and the binder leaves the existing default instance as it is.
    /// </summary>
    private static MinDataRate? DataRate(IConfigurationSection section, MinDataRate? current)
    {
        if (!section.Exists())
        {
            return current;
        }

        if (!section.GetChildren().Any())
        {
            return string.IsNullOrEmpty(section.Value) ? null : throw Invalid(section.Path, "give BytesPerSecond and GracePeriod, or an empty value for no limit");
        }

        foreach (var child in section.GetChildren())
        {
            if (child.Key is not (nameof(MinDataRate.BytesPerSecond) or nameof(MinDataRate.GracePeriod)))
            {
                throw Invalid(child.Path, "unknown key (BytesPerSecond and GracePeriod are known)");
            }
        }

        // A key left out keeps the value in force (Kestrel's default unless the limit was turned off).
        var bytes = section.GetSection(nameof(MinDataRate.BytesPerSecond));
        var grace = section.GetSection(nameof(MinDataRate.GracePeriod));
        double perSecond;
        if (bytes.Value is null)
        {
            perSecond = current?.BytesPerSecond ?? throw Invalid(bytes.Path, "missing (the limit is off, so both keys are needed)");
        }
        else if (!double.TryParse(bytes.Value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out perSecond))
        {
            throw Invalid(bytes.Path, $"'{bytes.Value}' is not a number of bytes per second");
        }

        TimeSpan period;
        if (grace.Value is null)
        {
            period = current?.GracePeriod ?? throw Invalid(grace.Path, "missing (the limit is off, so both keys are needed)");
        }
        else if (!TimeSpan.TryParse(grace.Value, System.Globalization.CultureInfo.InvariantCulture, out period))
        {
            throw Invalid(grace.Path, $"'{grace.Value}' is not a time span (hh:mm:ss)");
        }

        try
        {
            return new MinDataRate(perSecond, period);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw Invalid(e.ParamName == "gracePeriod" ? grace.Path : bytes.Path, e.Message);
        }
    }

    private static OptionsValidationException Invalid(string key, string problem)
        => new(SectionName, typeof(KestrelServerLimits), [$"{key} is not valid: {problem}"]);

    /// <summary>Binds <paramref name="section"/> (the limits, or with <paramref name="alone"/> one key of them); the error, or null.</summary>
    private static string? Problem(IConfigurationSection section, KestrelServerLimits limits, bool alone = false)
    {
        try
        {
            if (alone)
            {
                new ConfigurationBuilder().AddInMemoryCollection(section.AsEnumerable().Select(p => new KeyValuePair<string, string?>(p.Key[(SectionName.Length + 1)..], p.Value)))
                    .Build().Bind(limits, o => o.ErrorOnUnknownConfiguration = true);
            }
            else
            {
                section.Bind(limits, o => o.ErrorOnUnknownConfiguration = true);
            }

            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or TargetInvocationException or FormatException)
        {
            return (e is TargetInvocationException { InnerException: { } inner } ? inner : e).GetBaseException().Message;
        }
    }
}
