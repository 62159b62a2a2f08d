namespace WebKnock.Admin.Events;

/// <summary>
/// The <c>user</c> of the events and charts pages' query strings, read one way for both: the name as stored (a knock
/// user, a webmail or SSH login, an administrator), trimmed, compared exactly; at most <see cref="MaxLength"/>
/// characters and no control characters.
/// </summary>
internal static class UserFilterText
{
    public const int MaxLength = 128;

    /// <summary>The name, or null when blank or bad; a bad one also gets <paramref name="error"/>.</summary>
    public static string? Parse(string? text, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var name = text.Trim();
        if (name.Length <= MaxLength && !name.Any(char.IsControl))
        {
            return name;
        }

        var shown = new string([.. name.Take(40).Select(c => char.IsControl(c) ? '?' : c)]) + (name.Length > 40 ? "..." : "");
        error = $"A user name has at most {MaxLength} characters and no control characters, not \"{shown}\"";
        return null;
    }
}
