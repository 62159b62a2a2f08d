using WebKnock.Knocking.Users;

namespace WebKnock.Tests.Admin.Charts;

/// <summary>Knock users from a list, by name and state (the secrets are zeros: the charts never read them).</summary>
internal sealed class KnockUserList(params (string Name, bool Enabled)[] users) : IKnockUsers
{
    private readonly KnockUser[] _users = [.. users.Select(u => new KnockUser(u.Name, u.Enabled, new byte[20], new byte[32], new byte[32]))];

    public KnockUser? Find(string name) => Array.Find(_users, u => u.Name == name);

    public IReadOnlyList<KnockUser> List() => _users;
}
