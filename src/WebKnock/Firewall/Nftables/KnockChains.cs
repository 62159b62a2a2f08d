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
    public static void Write(StringBuilder text, RulesetBuilder builder, NftService service, int group)
    {
        var n = service.KnockPorts.Count;
        var svc = service.Name;
        var options = builder.Nftables;

        RulesetBuilder.Chain(text, KnockChain(svc), body =>
        {
            // A source with a window is never banned (a spoofer could aim a ban at it): its knocks go straight on.
            foreach (var match in builder.WindowMatches())
            {
                body.Line($"{match} goto {SequenceChain(svc)}");
            }

            foreach (var f in NftFamily.Both)
            {
                body.Line($"{builder.BlockKey(f)} @{NftNames.KnockBan}{f.Suffix} goto {NftNames.ClosedPort}");
            }

            foreach (var f in NftFamily.Both)
            {
                var key = builder.BlockKey(f);
                body.Line($"add @{NftNames.Rate(svc)}{f.Suffix} {{ {key} limit rate over {service.RatePerSecond}/second burst {service.RateBurst} packets }} "
                    + $"update @{NftNames.KnockBan}{f.Suffix} {{ {key} }} goto {LogChain("flood", svc)}");
            }

            body.Line($"goto {SequenceChain(svc)}");
        });

        var (rate, burst) = RulesetBuilder.ShareBucket(service.TrackedSources, options.PrefixShare, service.StepTimeout);
        RulesetBuilder.Chain(text, SequenceChain(svc), body =>
        {
            // A retransmitted SYN (same source port) neither advances nor resets the knock, and is not logged.
            foreach (var f in NftFamily.Both)
            {
                body.Line($"{Triple(f)} @{NftNames.Seen(svc)}{f.Suffix} goto {NftNames.ClosedPort}");
            }

            // An "add" to a full set breaks its rule (the rest of the rule is skipped, the next rule runs):
            // alone in its rule, a full set costs the recognition of retransmissions, not the knock.
            foreach (var f in NftFamily.Both)
            {
                body.Line($"add @{NftNames.Seen(svc)}{f.Suffix} {{ {Triple(f)} }}");
            }

            // Each knock SYN adds at most one element to the knock-state sets, which live a step timeout: a prefix
            // that may send about share x size SYNs per step timeout holds at most that share of them.
            foreach (var f in NftFamily.Both)
            {
                body.Line($"update @{NftNames.PrefixProgress(svc)}{f.Suffix} {{ {builder.ShareKey(f)} limit rate over {rate} burst {burst} packets }} "
                    + $"counter name \"{NftNames.PrefixFullCounter}\" goto {NftNames.ClosedPort}");
            }

            var map = string.Join(", ", service.KnockPorts.Select((port, i) => $"{port} : goto {StepChain(svc, i + 1)}"));
            body.Line($"tcp dport vmap {{ {map} }}");
            body.Line($"goto {NftNames.ClosedPort}");
        });

        for (var j = 1; j <= n; j++)
        {
            WriteStep(text, builder, service, j);
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
                body.Line($"{f.Saddr} @{NftNames.Allow(svc)}{f.Suffix} goto {NftNames.ClosedPort}");
            }

            body.Line($"goto {LogChain("wrong", svc)}");
        });

        WriteLogChain(text, LogChain("flood", svc), NflogPrefix.Flood(svc), RulesetBuilder.NoiseLimit, group);
        WriteLogChain(text, LogChain("wrong", svc), NflogPrefix.Wrong(svc), RulesetBuilder.KnockLimit, group);
        WriteLogChain(text, LogChain("open", svc), NflogPrefix.Open(svc), RulesetBuilder.OpenLimit, group);
        for (var j = 1; j < n; j++)
        {
            WriteLogChain(text, LogChain("step", svc, j), NflogPrefix.Step(svc, j), RulesetBuilder.KnockLimit, group);
        }
    }

    private static void WriteStep(StringBuilder text, RulesetBuilder builder, NftService service, int j)
    {
        var n = service.KnockPorts.Count;
        var svc = service.Name;
        var window = NftAddress.FormatTimeout(service.Window);
        var (rate, burst) = RulesetBuilder.ShareBucket(builder.Nftables.MaxWindows, builder.Nftables.PrefixShare, service.Window);
        RulesetBuilder.Chain(text, StepChain(svc, j), body =>
        {
            if (j == n)
            {
                // A completed knock adds to the allowed set, whose elements live a window: the prefix's own bucket.
                foreach (var f in NftFamily.Both)
                {
                    var reached = n > 1 ? $"{f.Saddr} @{Progress(svc, n - 1, f)} " : "";
                    body.Line($"{reached}update @{NftNames.PrefixOpen(svc)}{f.Suffix} {{ {builder.ShareKey(f)} limit rate over {rate} burst {burst} packets }} "
                        + $"counter name \"{NftNames.PrefixFullCounter}\" goto {NftNames.ClosedPort}");
                }
            }

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
            body.Line($"goto {NftNames.ClosedPort}");
        });

    public static string KnockChain(string svc) => $"{svc}_knock";

    /// <summary>The knock proper, after the ban and rate checks of <see cref="KnockChain"/>.</summary>
    public static string SequenceChain(string svc) => $"{svc}_knock_seq";

    private static string StepChain(string svc, int step) => $"{svc}_step{step}";

    private static string WrongChain(string svc) => $"{svc}_wrong";

    public static string LogChain(string what, string svc, int step = 0)
        => step == 0 ? $"log_{what}_{svc}" : $"log_{what}_{svc}_{step}";

    private static string Triple(NftFamily f) => $"{f.Saddr} . tcp dport . tcp sport";

    private static string Progress(string svc, int step, NftFamily f) => $"{NftNames.Progress(svc, step)}{f.Suffix}";
}
