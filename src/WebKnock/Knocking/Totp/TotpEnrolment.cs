using System.Globalization;
using WebKnock.Knocking.Users;

namespace WebKnock.Knocking.Totp;

/// <summary>
/// The enrolment link of a knock user: the knock page's address with everything in the FRAGMENT, which browsers never
/// send to a server: <c>#enrol=NAME:BASE32SECRET&amp;pool=START-END&amp;n=PORTS&amp;x=EXCLUDED,...</c>. The page keeps it in
/// its storage and removes it from the address bar; the pool parameters let it derive the same sequences as the
/// gateway (<see cref="TotpSequence"/>).
/// </summary>
internal static class TotpEnrolment
{
    public static string Fragment(KnockUser user, TotpPortPool pool, int ports)
    {
        var excluded = string.Join(",", pool.Excluded.Select(p => p.ToString(CultureInfo.InvariantCulture)));
        var text = string.Create(CultureInfo.InvariantCulture, $"#enrol={Uri.EscapeDataString(user.Name)}:{Base32.Encode(user.TotpSecret)}&pool={pool.Start}-{pool.End}&n={ports}");
        return excluded.Length > 0 ? $"{text}&x={excluded}" : text;
    }

    /// <summary>The whole link: <paramref name="knockPage"/> (without any fragment of its own) and the fragment.</summary>
    public static string Link(string knockPage, KnockUser user, TotpPortPool pool, int ports)
    {
        var hash = knockPage.IndexOf('#', StringComparison.Ordinal);
        var page = hash >= 0 ? knockPage[..hash] : knockPage;
        return page + Fragment(user, pool, ports);
    }
}
