using System.Net;

namespace WebKnock.Webmail;

/// <summary>One live webmail session: the address it logged in from and the user (null when adopted after a restart).</summary>
public sealed record WebmailSession(string Id, IPAddress Address, string? UserName, DateTimeOffset Since);
