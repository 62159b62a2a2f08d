using System.Text;
using WebKnock.Knocking.Nflog;

namespace WebKnock.Firewall.Nftables;

/// <summary>
/// The kernel knock of one service. Sets <c>&lt;svc&gt;_k&lt;i&gt;_4/6</c> hold the sources that completed step i
/// (a source is in at most one), each element living for the step timeout. For a pure SYN to knock port j:
/// <list type="number">
/// <item>a source in the knock ban set is ignored; one over the per-source rate is banned (flood);</item>
/// <item>a retransmission (source address . knock port . source port in <c>&lt;svc&gt;_seen4/6</c>, seen within
/// <see cref="Knocking.KnockRetransmissions.Horizon"/>) is dropped and changes nothing; any other SYN is added
/// to that set by a rule of its own, so that a full set only stops the remembering, never the knock;</item>
/// <item>a source that completed step j-1 advances (the last step puts it in the allowed set for the window);</item>
/// <item>a source that is at step j or j+1 is repeating itself (browsers retry every SYN): nothing changes;</item>
/// <item>port 1 otherwise starts the sequence again; any other port is a wrong knock and resets the source,
/// silently when the source already has a window (retries arriving after the sequence completed).</item>
/// </list>
/// Every knock packet is dropped, and every log is rate-limited over all sources.
/// </summary>
internal static class KnockChains
{
    public static void Write(StringBuilder text, NftService service, int group)
    {
        var n = service.KnockPorts.Count;
        var svc = service.Name;

        RulesetBuilder.Chain(text, KnockChain(svc), body =>
        {
            foreach (var f in NftFamily.Both)
            {
                body.Line($"{f.Saddr} @{NftNames.KnockBan}{f.Suffix} drop");
            }

            foreach (var f in NftFamily.Both)
            {
                body.Line($"add @{NftNames.Rate(svc)}{f.Suffix} {{ {f.Saddr} limit rate over {service.RatePerSecond}/second burst {service.RateBurst} packets }} "
                    + $"update @{NftNames.KnockBan}{f.Suffix} {{ {f.Saddr} }} goto {LogChain("flood", svc)}");
            }

            // A retransmitted SYN (same source port) neither advances nor resets the knock, and is not logged.
            foreach (var f in NftFamily.Both)
            {
                body.Line($"{Triple(f)} @{NftNames.Seen(svc)}{f.Suffix} drop");
            }

            // An "add" to a full set breaks its rule (the rest of the rule is skipped, the next rule runs):
            // alone in its rule, a full set costs the recognition of retransmissions, not the knock.
            foreach (var f in NftFamily.Both)
            {
                body.Line($"add @{NftNames.Seen(svc)}{f.Suffix} {{ {Triple(f)} }}");
            }

            var map = string.Join(", ", service.KnockPorts.Select((port, i) => $"{port} : goto {StepChain(svc, i + 1)}"));
            body.Line($"tcp dport vmap {{ {map} }}");
            body.Line("drop");
        });

        for (var j = 1; j <= n; j++)
        {
            WriteStep(text, service, j);
        }

        RulesetBuilder.Chain(text, WrongChain(svc), body =>
        {
            foreach (var f in NftFamily.Both)
            {
                for (var i = 1; i < n; i++)
                {
                    body.Line($"{f.Saddr} @{Progress(svc, i, f)} delete @{Progress(svc, i, f)} {{ {f.Saddr} }}");
                }
            }

            foreach (var f in NftFamily.Both)
            {
                body.Line($"{f.Saddr} @{NftNames.Allow(svc)}{f.Suffix} drop");
            }

            body.Line($"goto {LogChain("wrong", svc)}");
        });

        WriteLogChain(text, LogChain("flood", svc), NflogPrefix.Flood(svc), RulesetBuilder.NoiseLimit, group);
        WriteLogChain(text, LogChain("wrong", svc), NflogPrefix.Wrong(svc), RulesetBuilder.KnockLimit, group);
        WriteLogChain(text, LogChain("open", svc), NflogPrefix.Open(svc), RulesetBuilder.KnockLimit, group);
        for (var j = 1; j < n; j++)
        {
            WriteLogChain(text, LogChain("step", svc, j), NflogPrefix.Step(svc, j), RulesetBuilder.KnockLimit, group);
        }
    }

    private static void WriteStep(StringBuilder text, NftService service, int j)
    {
        var n = service.KnockPorts.Count;
        var svc = service.Name;
        var window = NftAddress.FormatTimeout(service.Window);
        RulesetBuilder.Chain(text, StepChain(svc, j), body =>
        {
            string Reached(NftFamily f) => j == n
                ? $"update @{NftNames.Allow(svc)}{f.Suffix} {{ {f.Saddr} timeout {window} }} goto {LogChain("open", svc)}"
                : $"add @{Progress(svc, j, f)} {{ {f.Saddr} }} goto {LogChain("step", svc, j)}";

            if (j > 1)
            {
                foreach (var f in NftFamily.Both)
                {
                    var previous = Progress(svc, j - 1, f);
                    body.Line($"{f.Saddr} @{previous} delete @{previous} {{ {f.Saddr} }} {Reached(f)}");
                }
            }

            // Repeats of the current and the previous step change nothing.
            foreach (var f in NftFamily.Both)
            {
                for (var i = j; i <= j + 1 && i < n; i++)
                {
                    body.Line($"{f.Saddr} @{Progress(svc, i, f)} drop");
                }
            }

            if (j > 1)
            {
                body.Line($"goto {WrongChain(svc)}");
                return;
            }

            foreach (var f in NftFamily.Both)
            {
                for (var i = 3; i < n; i++)
                {
                    body.Line($"{f.Saddr} @{Progress(svc, i, f)} delete @{Progress(svc, i, f)} {{ {f.Saddr} }}");
                }
            }

            foreach (var f in NftFamily.Both)
            {
                body.Line(Reached(f));
            }
        });
    }

    private static void WriteLogChain(StringBuilder text, string name, string prefix, string limit, int group)
        => RulesetBuilder.Chain(text, name, body =>
        {
            body.Line($"limit name \"{limit}\" log prefix \"{prefix}\" group {group}");
            body.Line("drop");
        });

    public static string KnockChain(string svc) => $"{svc}_knock";

    private static string StepChain(string svc, int step) => $"{svc}_step{step}";

    private static string WrongChain(string svc) => $"{svc}_wrong";

    public static string LogChain(string what, string svc, int step = 0)
        => step == 0 ? $"log_{what}_{svc}" : $"log_{what}_{svc}_{step}";

    private static string Triple(NftFamily f) => $"{f.Saddr} . tcp dport . tcp sport";

    private static string Progress(string svc, int step, NftFamily f) => $"{NftNames.Progress(svc, step)}{f.Suffix}";
}
