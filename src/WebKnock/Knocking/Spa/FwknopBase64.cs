namespace WebKnock.Knocking.Spa;

/// <summary>Base64 as fwknop writes it: the standard alphabet with the '=' padding stripped.</summary>
internal static class FwknopBase64
{
    public static bool IsBase64Text(ReadOnlySpan<byte> text)
    {
        foreach (var c in text)
        {
            if (!(char.IsAsciiLetterOrDigit((char)c) || c is (byte)'+' or (byte)'/' or (byte)'='))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Decodes text with or without its padding; false (never an exception) when it is not base64.</summary>
    public static bool TryDecode(ReadOnlySpan<char> text, out byte[] data)
    {
        data = [];
        var trimmed = text.TrimEnd('=');
        if (trimmed.Length % 4 == 1)
        {
            return false;
        }

        var padded = new char[(trimmed.Length + 3) / 4 * 4];
        trimmed.CopyTo(padded);
        padded.AsSpan(trimmed.Length).Fill('=');
        var buffer = new byte[padded.Length / 4 * 3];
        if (!Convert.TryFromBase64Chars(padded, buffer, out var written))
        {
            return false;
        }

        data = buffer[..written];
        return true;
    }

    public static string Encode(ReadOnlySpan<byte> data) => Convert.ToBase64String(data).TrimEnd('=');
}
