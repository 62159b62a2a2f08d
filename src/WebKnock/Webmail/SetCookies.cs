using Microsoft.Extensions.Primitives;

namespace WebKnock.Webmail;

/// <summary>Reads the cookies a response sets: the last value given to a name wins, as in a browser.</summary>
internal static class SetCookies
{
    public static string? LastValue(StringValues setCookieHeaders, string name)
    {
        string? value = null;
        foreach (var header in setCookieHeaders)
        {
            if (header is null)
            {
                continue;
            }

            var span = header.AsSpan();
            var eq = span.IndexOf('=');
            if (eq <= 0 || !span[..eq].Trim().Equals(name, StringComparison.Ordinal))
            {
                continue;
            }

            var rest = span[(eq + 1)..];
            var semi = rest.IndexOf(';');
            value = (semi >= 0 ? rest[..semi] : rest).Trim().ToString();
        }

        return value;
    }
}
