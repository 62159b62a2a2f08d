using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace WebKnock.Events.Geo;

/// <summary>
/// Reads the range files of tor-geoipdb: <c>geoip</c> has <c>start,end,CC</c> lines with IPv4 bounds
/// as integers, <c>geoip6</c> the same with IPv6 bounds as text. Lines starting with <c>#</c> are
/// comments; the code <c>??</c> (no country) is skipped; a malformed line is counted and skipped.
/// </summary>
internal static class TorGeoIpFile
{
    public static (RangeTable<uint> Table, int Malformed) ReadV4(string path)
    {
        var table = new RangeTable<uint>.Builder();
        var malformed = Read(path, (start, end, code) =>
        {
            if (!TryV4(start, out var s) || !TryV4(end, out var e) || s > e)
            {
                return false;
            }

            table.Add(s, e, code);
            return true;
        });
        return (table.Build(), malformed);
    }

    public static (RangeTable<UInt128> Table, int Malformed) ReadV6(string path)
    {
        var table = new RangeTable<UInt128>.Builder();
        var malformed = Read(path, (start, end, code) =>
        {
            if (!TryV6(start, out var s) || !TryV6(end, out var e) || s > e)
            {
                return false;
            }

            table.Add(s, e, code);
            return true;
        });
        return (table.Build(), malformed);
    }

    public static uint ToUInt32(IPAddress v4) => BinaryPrimitives.ReadUInt32BigEndian(v4.GetAddressBytes());

    public static UInt128 ToUInt128(IPAddress v6) => BinaryPrimitives.ReadUInt128BigEndian(v6.GetAddressBytes());

    private delegate bool RangeHandler(ReadOnlySpan<char> start, ReadOnlySpan<char> end, string code);

    private static int Read(string path, RangeHandler add)
    {
        var malformed = 0;
        var codes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(path))
        {
            var text = line.AsSpan().Trim();
            if (text.IsEmpty || text[0] == '#')
            {
                continue;
            }

            var first = text.IndexOf(',');
            var last = text.LastIndexOf(',');
            if (first <= 0 || last <= first)
            {
                malformed++;
                continue;
            }

            var code = text[(last + 1)..].Trim();
            if (code.SequenceEqual("??"))
            {
                continue;
            }

            if (code.Length != 2 || !add(text[..first].Trim(), text[(first + 1)..last].Trim(), Intern(codes, code)))
            {
                malformed++;
            }
        }

        return malformed;
    }

    private static string Intern(Dictionary<string, string> codes, ReadOnlySpan<char> code)
    {
        var lookup = codes.GetAlternateLookup<ReadOnlySpan<char>>();
        if (!lookup.TryGetValue(code, out var interned))
        {
            interned = code.ToString().ToUpperInvariant();
            lookup[code] = interned;
        }

        return interned;
    }

    private static bool TryV4(ReadOnlySpan<char> text, out uint value)
    {
        if (uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value))
        {
            return true;
        }

        // Dotted text is accepted too, for hand-written files.
        if (IPAddress.TryParse(text, out var address) && address.AddressFamily == AddressFamily.InterNetwork)
        {
            value = ToUInt32(address);
            return true;
        }

        return false;
    }

    private static bool TryV6(ReadOnlySpan<char> text, out UInt128 value)
    {
        value = default;
        if (!IPAddress.TryParse(text, out var address) || address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }

        value = ToUInt128(address);
        return true;
    }
}
