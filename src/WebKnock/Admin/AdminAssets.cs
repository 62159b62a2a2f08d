namespace WebKnock.Admin;

/// <summary>
/// The admin's own files in the top-level wwwroot/ (beside the program): <c>admin.js</c>, <c>admin.css</c> and any
/// other <c>admin-*.css</c> (the charts' styles). They are served under the admin path, so that an address that
/// reaches the admin through the admin networks, without a window, gets them too; every page links each stylesheet.
/// </summary>
internal sealed class AdminAssets
{
    private readonly string _root;

    public AdminAssets()
        : this(Path.Combine(AppContext.BaseDirectory, "wwwroot"))
    {
    }

    public AdminAssets(string root)
    {
        _root = root;
        Stylesheets = Directory.Exists(root)
            ? [.. Directory.EnumerateFiles(root, "admin*.css").Select(Path.GetFileName).OfType<string>().Where(IsAsset).OrderBy(n => n != "admin.css").ThenBy(n => n, StringComparer.Ordinal)]
            : [];
    }

    /// <summary>The stylesheets' file names, admin.css first.</summary>
    public IReadOnlyList<string> Stylesheets { get; }

    /// <summary><c>admin.js</c>, <c>admin.css</c>, <c>admin-NAME.css</c>/<c>.js</c>: lower-case letters, digits and dashes only.</summary>
    public static bool IsAsset(string name) =>
        name.StartsWith("admin", StringComparison.Ordinal)
        && (name.EndsWith(".css", StringComparison.Ordinal) || name.EndsWith(".js", StringComparison.Ordinal))
        && name[..name.LastIndexOf('.')].All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');

    /// <summary>The file's path when it is an admin asset that exists; otherwise null.</summary>
    public string? Find(string name)
    {
        var path = Path.Combine(_root, name);
        return IsAsset(name) && File.Exists(path) ? path : null;
    }
}
