using System.Reflection;
using Microsoft.AspNetCore.Components;
using WebKnock.Admin;

namespace WebKnock.Tests.Admin;

/// <summary>How admin pages must be written to work under the admin shell.</summary>
public sealed class AdminPagesTests
{
    public static TheoryData<string, string> Routes()
    {
        var data = new TheoryData<string, string>();
        foreach (var type in typeof(App).Assembly.GetTypes().Where(t => t.Namespace?.StartsWith("WebKnock.Admin", StringComparison.Ordinal) == true))
        {
            foreach (var route in type.GetCustomAttributes<RouteAttribute>())
            {
                data.Add(type.FullName!, route.Template);
            }
        }

        return data;
    }

    /// <summary>
    /// The admin is mounted on WebKnock:Admin:Path with that path as the requests' PathBase, and Blazor matches a
    /// page's @page template against the rest: a page declares "/charts", not "/admin/charts", and then follows
    /// the configured path.
    /// </summary>
    [Theory]
    [MemberData(nameof(Routes))]
    public void Admin_page_routes_are_relative_to_the_admin_path(string page, string template)
    {
        Assert.StartsWith("/", template);
        Assert.False(template.StartsWith("/admin", StringComparison.OrdinalIgnoreCase), $"{page} declares @page \"{template}\"; write it without the admin path");
    }

    [Theory]
    [InlineData("admin.js", true)]
    [InlineData("admin.css", true)]
    [InlineData("admin-charts.css", true)]
    [InlineData("knock.js", false)]
    [InlineData("admin.html", false)]
    [InlineData("admin-../x.css", false)]
    [InlineData("Admin.css", false)]
    public void Only_the_admins_own_files_are_served_under_its_path(string name, bool served) =>
        Assert.Equal(served, AdminAssets.IsAsset(name));

    [Fact]
    public void Every_admin_stylesheet_is_linked_admin_css_first()
    {
        var root = Directory.CreateTempSubdirectory("webknock-assets-").FullName;
        try
        {
            foreach (var name in new[] { "admin-charts.css", "admin.css", "admin.js", "knock.css", "admin-events.css" })
            {
                File.WriteAllText(Path.Combine(root, name), "");
            }

            Assert.Equal(["admin.css", "admin-charts.css", "admin-events.css"], new AdminAssets(root).Stylesheets);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
