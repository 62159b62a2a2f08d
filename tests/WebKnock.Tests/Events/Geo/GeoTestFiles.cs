namespace WebKnock.Tests.Events.Geo;

/// <summary>Small range files in the tor-geoipdb format, written for a test.</summary>
internal static class GeoTestFiles
{
    public const string V4 = """
        # Comment lines, as in the real file.
        # Generated: for WebKnock's tests
        134744064,134744319,US
        16777216,16777471,AU
        3238002688,3238002943,??
        not,a,line
        2130706432,2130706687,XX
        3238002944,3238003199,de
        """;

    public const string V6 = """
        # IPv6 ranges
        2001:200::,2001:200:ffff:ffff:ffff:ffff:ffff:ffff,JP
        2001:4860::,2001:4860:ffff:ffff:ffff:ffff:ffff:ffff,US
        2a00:1450::,2a00:1450:ffff:ffff:ffff:ffff:ffff:ffff,IE
        2a01:4f8::,2a01:4f8::1:0,??
        2a01:4f8::2:0,2a01:4f8::1,DE
        """;

    public static void WriteTo(string folder)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "geoip"), V4);
        File.WriteAllText(Path.Combine(folder, "geoip6"), V6);
    }
}
