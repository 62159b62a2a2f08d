using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace WebKnock.Proxy.Banner;

/// <summary>
/// The banner's stylesheet and script (wwwroot/banner.css, banner.js), read once at start. A page carries them inline,
/// so the banner costs it no request of its own; where a page cannot run inline code (its answer has a
/// Content-Security-Policy) it links them by a URL with their version, which the gateway serves as immutable, so a
/// browser fetches each once.
/// </summary>
internal sealed partial class BannerAssets
{
    public const string StyleFile = "banner.css";
    public const string ScriptFile = "banner.js";

    /// <summary>No files: the banner links them without a version, as the gateway serves whatever it has.</summary>
    public static readonly BannerAssets None = new(null, null, null);

    private BannerAssets(string? style, string? script, string? version)
    {
        Style = style;
        Script = script;
        Version = version;
    }

    /// <summary>The stylesheet, compacted, to go in a style element; null when it cannot (missing, or not plain ASCII).</summary>
    public string? Style { get; }

    /// <summary>The script, compacted, to go in a script element; null when it cannot.</summary>
    public string? Script { get; }

    /// <summary>A hash of both files, for the links' <c>?v=</c>; null without files.</summary>
    public string? Version { get; }

    public bool CanInline => Style is not null && Script is not null;

    /// <summary>Reads the files from <paramref name="folder"/> (the gateway's wwwroot).</summary>
    public static BannerAssets Load(string folder)
    {
        var stylePath = Path.Combine(folder, StyleFile);
        var scriptPath = Path.Combine(folder, ScriptFile);
        if (!File.Exists(stylePath) || !File.Exists(scriptPath))
        {
            return None;
        }

        var style = File.ReadAllText(stylePath);
        var script = File.ReadAllText(scriptPath);
        var version = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(style + "\0" + script)))[..12];
        return new BannerAssets(Inlinable(CompactStyle(style), "</style"), Inlinable(CompactScript(script), "</script"), version);
    }

    /// <summary>Comments gone, every run of white space one space.</summary>
    internal static string CompactStyle(string css)
        => Spaces().Replace(CssComment().Replace(css, " "), " ").Trim();

    /// <summary>
    /// Each line without its indentation; lines that are only a <c>//</c> comment, and empty lines, gone. Line breaks
    /// stay, so automatic semicolon insertion reads the code as before.
    /// </summary>
    internal static string CompactScript(string js)
        => string.Join('\n', js.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith("//", StringComparison.Ordinal)));

    // The banner's bytes are ASCII (the page may be iso-8859-1) and may not end their own element early.
    private static string? Inlinable(string text, string end)
        => text.All(char.IsAscii) && !text.Contains(end, StringComparison.OrdinalIgnoreCase) && !text.Contains("<!--", StringComparison.Ordinal)
            ? text
            : null;

    [GeneratedRegex(@"/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex CssComment();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
