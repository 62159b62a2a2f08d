namespace WebKnock.Admin.Users;

/// <summary>The Users page's form names (the field is <see cref="AdminForms.Name"/>).</summary>
public static class KnockUserForms
{
    public const string Add = "knock-user-add";
    public const string Disable = "knock-user-disable";
    public const string Enable = "knock-user-enable";
    public const string Remove = "knock-user-remove";
}
