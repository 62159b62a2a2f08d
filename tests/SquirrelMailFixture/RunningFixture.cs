namespace SquirrelMailFixture;

/// <summary>A started fixture: where it listens and what it holds. Dispose to stop it.</summary>
public sealed class RunningFixture : IAsyncDisposable
{
    internal RunningFixture(WebApplication app, Uri baseUri, FixtureOptions options, SessionStore sessions)
    {
        App = app;
        BaseUri = baseUri;
        Options = options;
        Sessions = sessions;
    }

    public WebApplication App { get; }

    /// <summary>The address actually bound, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseUri { get; }

    /// <summary>SquirrelMail's base URI, e.g. <c>http://127.0.0.1:41234/squirrelmail/</c>.</summary>
    public Uri SquirrelMailUri => new(BaseUri, Options.BasePath);

    public FixtureOptions Options { get; }

    /// <summary>The fixture's state: live sessions, login log, sign-outs.</summary>
    public SessionStore Sessions { get; }

    /// <summary>A URL of a SquirrelMail script, e.g. <c>Src("login.php")</c>.</summary>
    public Uri Src(string relative) => new(SquirrelMailUri, "src/" + relative);

    /// <summary>A URL relative to the root, e.g. <c>Url("/fixture/json")</c>.</summary>
    public Uri Url(string relative) => new(BaseUri, relative);

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
