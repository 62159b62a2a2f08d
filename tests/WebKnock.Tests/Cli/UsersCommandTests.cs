using Microsoft.Extensions.Configuration;
using WebKnock.Cli;
using WebKnock.Knocking.Users;

namespace WebKnock.Tests.Cli;

public sealed class UsersCommandTests : IDisposable
{
    private readonly string _database = Path.Combine(Path.GetTempPath(), $"webknock-users-{Guid.NewGuid():N}.db");
    private readonly StringWriter _output = new();
    private readonly StringWriter _error = new();

    private Task<int> Run(params string[] args)
    {
        var settings = new Dictionary<string, string?>
        {
            ["WebKnock:Events:Path"] = _database,
            ["WebKnock:Webmail:Knock:Totp:Enabled"] = "true",
            ["WebKnock:Webmail:Knock:Totp:KnockPage"] = "https://mail.example.org/knock.html",
            ["WebKnock:Knock:Users:0:Name"] = "carol",
            ["WebKnock:Knock:Users:0:TotpSecret"] = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
        };
        return new UsersCommand(_ => new ConfigurationBuilder().AddInMemoryCollection(settings).Build()).RunAsync(args, _output, _error, CancellationToken.None);
    }

    [Fact]
    public async Task Add_prints_the_enrolment_link_list_disable_enable_remove()
    {
        Assert.Equal(0, await Run("add", "alice"));
        var link = _output.ToString().Split('\n').Single(l => l.StartsWith("https://", StringComparison.Ordinal)).Trim();
        Assert.Matches("^https://mail\\.example\\.org/knock\\.html#enrol=alice:[A-Z2-7]{32}&pool=20000-29999&n=3$", link);
        Assert.True(Base32.TryDecode(link.Split(':')[2].Split('&')[0], out var secret));
        Assert.Equal(20, secret.Length);

        Assert.Equal(1, await Run("add", "alice"));
        Assert.Equal(0, await Run("disable", "alice"));
        Assert.Equal(0, await Run("list"));
        Assert.Contains("alice                    disabled  database", _output.ToString());
        Assert.Contains("carol                    enabled   configuration", _output.ToString());
        Assert.Equal(0, await Run("enable", "alice"));
        Assert.Equal(0, await Run("remove", "alice"));
        Assert.Equal(1, await Run("remove", "alice"));
    }

    [Theory]
    [InlineData(2, "add")]
    [InlineData(2, "frobnicate", "alice")]
    [InlineData(2, "add", "not a name")]
    [InlineData(1, "disable", "carol")] // configured: read-only here
    public async Task Refusals(int exitCode, params string[] args)
    {
        Assert.Equal(exitCode, await Run(args));
        Assert.NotEqual("", _error.ToString());
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _database, _database + "-wal", _database + "-shm" })
        {
            File.Delete(file);
        }
    }
}
