namespace WebKnock.Knocking;

/// <summary>The names of the services WebKnock guards, as they appear in sets, logs and events.</summary>
public static class ServiceNames
{
    public const string Webmail = "webmail";
    public const string Ssh = "ssh";
}
