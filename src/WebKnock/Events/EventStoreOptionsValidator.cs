using Microsoft.Extensions.Options;

namespace WebKnock.Events;

/// <summary>Refuses a start with event store options that cannot work, naming the key.</summary>
internal sealed class EventStoreOptionsValidator : IValidateOptions<EventStoreOptions>
{
    private const string Prefix = EventStoreOptions.SectionName + ":";

    public ValidateOptionsResult Validate(string? name, EventStoreOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Path))
        {
            errors.Add($"{Prefix}Path must name the SQLite file of the event store.");
        }

        if (options.RetentionDays < 1)
        {
            errors.Add($"{Prefix}RetentionDays must be at least 1 (it is {options.RetentionDays}).");
        }

        if (options.MaxRows is < 0 or (> 0 and < 1000))
        {
            errors.Add($"{Prefix}MaxRows must be 0 (no limit) or at least 1000 (it is {options.MaxRows}).");
        }

        if (options.ChannelCapacity < 1)
        {
            errors.Add($"{Prefix}ChannelCapacity must be at least 1 (it is {options.ChannelCapacity}).");
        }

        if (options.BatchSize < 1 || options.BatchSize > 100_000)
        {
            errors.Add($"{Prefix}BatchSize must be between 1 and 100000 (it is {options.BatchSize}).");
        }

        if (options.DropLogInterval <= TimeSpan.Zero)
        {
            errors.Add($"{Prefix}DropLogInterval must be positive (it is {options.DropLogInterval}).");
        }

        if (options.Geo.CacheSize < 1)
        {
            errors.Add($"{Prefix}Geo:CacheSize must be at least 1 (it is {options.Geo.CacheSize}).");
        }

        if (!string.IsNullOrEmpty(options.Geo.MaxMindPath) && !File.Exists(options.Geo.MaxMindPath))
        {
            errors.Add($"{Prefix}Geo:MaxMindPath names a file that does not exist: {options.Geo.MaxMindPath}");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
