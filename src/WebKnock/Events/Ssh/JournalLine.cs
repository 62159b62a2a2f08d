using System.Globalization;
using System.Text;
using System.Text.Json;

namespace WebKnock.Events.Ssh;

/// <summary>
/// Reads one line of <c>journalctl -o json</c>: MESSAGE (a string, or an array of bytes when it is not
/// valid UTF-8) and __REALTIME_TIMESTAMP (microseconds since the epoch, as a string).
/// </summary>
internal static class JournalLine
{
    public static bool TryParse(string json, out SshLogLine line)
    {
        line = null!;
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("MESSAGE", out var message))
            {
                return false;
            }

            var text = message.ValueKind switch
            {
                JsonValueKind.String => message.GetString(),
                JsonValueKind.Array => Bytes(message),
                _ => null,
            };
            if (text is null || !Timestamp(root, out var time))
            {
                return false;
            }

            line = new SshLogLine(time, text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool Timestamp(JsonElement root, out DateTimeOffset time)
    {
        time = default;
        if (!root.TryGetProperty("__REALTIME_TIMESTAMP", out var value) || value.ValueKind != JsonValueKind.String ||
            !long.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var microseconds))
        {
            return false;
        }

        time = DateTimeOffset.UnixEpoch.AddTicks(microseconds * TimeSpan.TicksPerMicrosecond);
        return true;
    }

    private static string? Bytes(JsonElement array)
    {
        var bytes = new List<byte>(array.GetArrayLength());
        foreach (var item in array.EnumerateArray())
        {
            if (!item.TryGetByte(out var b))
            {
                return null;
            }

            bytes.Add(b);
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }
}
