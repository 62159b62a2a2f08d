namespace WebKnock.Events;

/// <summary>
/// What one knock user's credential did in a period (<see cref="EventAnalytics.UserActivity"/>): new windows, opens by
/// TOTP, by SPA and by a plain knock that re-used the user's window, and replays recorded against the user.
/// </summary>
public sealed record UserActivity(string User, long Windows, long Totp, long Spa, long PlainReknocks, long Replays)
{
    /// <summary>Every open: TOTP, SPA and plain re-knocks (a re-open of an open window counts too).</summary>
    public long Opens => Totp + Spa + PlainReknocks;

    /// <summary>Successful sign-ins made through the user's windows (<see cref="EventAnalytics.SignInsThroughWindows"/>).</summary>
    public long SignIns { get; init; }

    public long FailedSignIns { get; init; }
}

/// <summary>The users listed (at most the cap asked for) and how many had activity in all.</summary>
public sealed record UserActivityList(IReadOnlyList<UserActivity> Users, int TotalUsers)
{
    /// <summary>Users with activity that the list leaves out ("and N more").</summary>
    public int More => Math.Max(TotalUsers - Users.Count, 0);
}

/// <summary>Opens on one day by one user; <see cref="User"/> is empty for the users not shown on their own (others).</summary>
public sealed record UserDayCount(DateOnly Day, string User, long Count);
