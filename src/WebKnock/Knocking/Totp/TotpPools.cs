using WebKnock.Configuration;
using WebKnock.Firewall.Nftables;

namespace WebKnock.Knocking.Totp;

/// <summary>The TOTP port pool of each service that takes TOTP knocks.</summary>
internal static class TotpPools
{
    /// <summary>The pool of <paramref name="service"/>, or null when its TOTP knock is off.</summary>
    public static TotpPortPool? For(WebKnockOptions options, NftablesOptions nftables, string service)
    {
        var own = service == ServiceNames.Ssh ? options.Ssh : (ServiceOptions)options.Webmail;
        if (own is null || !own.Knock.Totp.Enabled)
        {
            return null;
        }

        var services = options.Ssh is null ? new ServiceOptions[] { options.Webmail } : [options.Webmail, options.Ssh];
        var excluded = services.SelectMany(s => s.ProtectedPorts.Concat(s.Knock.Ports))
            .Concat(nftables.AlwaysOpenTcpPorts);
        return new TotpPortPool(own.Knock.Totp.RangeStart, own.Knock.Totp.RangeEnd, excluded);
    }

    /// <summary>The pool as nftables intervals (<c>20000-22221, 22223-29999</c>).</summary>
    public static IEnumerable<(int First, int Last)> Intervals(TotpPortPool pool)
    {
        var i = 0;
        while (i < pool.Count)
        {
            var first = pool[i];
            while (i + 1 < pool.Count && pool[i + 1] == pool[i] + 1)
            {
                i++;
            }

            yield return (first, pool[i]);
            i++;
        }
    }
}
