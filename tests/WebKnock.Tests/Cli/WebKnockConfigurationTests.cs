using WebKnock.Cli;

namespace WebKnock.Tests.Cli;

/// <summary>The commands read the configuration from the same places, in the same order, as the gateway.</summary>
public sealed class WebKnockConfigurationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("wk-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string table)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, $$"""{ "WebKnock": { "Firewall": { "Table": "{{table}}" } } }""");
        return path;
    }

    private string Table(params string[] switches)
        => WebKnockConfiguration.BindWebKnock(WebKnockConfiguration.Build(switches, "Production", _dir, Path.Combine(_dir, "etc.json"))).Firewall.Table;

    [Fact]
    public void Later_sources_win_shipped_then_environment_file_then_etc_then_switches()
    {
        Assert.Equal("webknock", Table());
        Write("appsettings.json", "shipped");
        Assert.Equal("shipped", Table());
        Write("appsettings.Production.json", "production");
        Assert.Equal("production", Table());
        Write("etc.json", "etc");
        Assert.Equal("etc", Table());
        Assert.Equal("switch", Table("--WebKnock:Firewall:Table=switch"));
    }

    [Theory]
    [InlineData("--WebKnock:Firewall:Table=x", true)]
    [InlineData("/WebKnock:Firewall:Table=x", true)]
    [InlineData("--yes", false)]
    [InlineData("--=x", false)]
    [InlineData("show", false)]
    public void Switches_are_key_value_pairs(string word, bool expected)
    {
        Assert.Equal(expected, WebKnockConfiguration.IsSwitch(word));
    }
}
