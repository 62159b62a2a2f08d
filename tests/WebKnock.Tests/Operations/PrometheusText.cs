using System.Globalization;
using System.Text.RegularExpressions;

namespace WebKnock.Tests.Operations;

/// <summary>
/// A strict reader of the Prometheus text format (0.0.4) as far as the gateway writes it: every line is a HELP, a
/// TYPE, or a sample of the family announced just before; names and labels are well-formed; counters end in _total.
/// </summary>
internal static partial class PrometheusText
{
    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    public static IReadOnlyList<Sample> Parse(string text)
    {
        Assert.EndsWith("\n", text);
        var samples = new List<Sample>();
        var helped = new HashSet<string>();
        var types = new Dictionary<string, string>();
        string? family = null;
        foreach (var line in text[..^1].Split('\n'))
        {
            if (Help().Match(line) is { Success: true } help)
            {
                family = help.Groups[1].Value;
                Assert.True(helped.Add(family), $"a second HELP for {family}");
                continue;
            }

            if (Type().Match(line) is { Success: true } type)
            {
                Assert.Equal(family, type.Groups[1].Value);
                types.Add(family!, type.Groups[2].Value);
                if (type.Groups[2].Value == "counter")
                {
                    Assert.EndsWith("_total", family);
                }

                continue;
            }

            var sample = SampleLine().Match(line);
            Assert.True(sample.Success, $"not a sample line: \"{line}\"");
            var name = sample.Groups[1].Value;
            Assert.True(name == family && types.ContainsKey(name), $"sample of {name} outside its family ({family})");
            var labels = new Dictionary<string, string>();
            foreach (Match label in Label().Matches(sample.Groups[2].Value))
            {
                labels.Add(label.Groups[1].Value, Regex.Unescape(label.Groups[2].Value));
            }

            var value = double.Parse(sample.Groups[3].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
            Assert.False(samples.Any(s => s.Name == name && s.Labels.Count == labels.Count && !s.Labels.Except(labels).Any()), $"a repeated sample: {line}");
            samples.Add(new Sample(name, labels, value));
        }

        return samples;
    }

    public static double Value(this IReadOnlyList<Sample> samples, string name, params (string Label, string Value)[] labels)
    {
        var match = samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Label, out var v) && v == l.Value)).ToList();
        Assert.True(match.Count == 1, $"{match.Count} samples of {name} with {string.Join(", ", labels)}");
        return match[0].Value;
    }

    [GeneratedRegex(@"^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) \S.*$")]
    private static partial Regex Help();

    [GeneratedRegex(@"^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge)$")]
    private static partial Regex Type();

    [GeneratedRegex(@"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-zA-Z_][a-zA-Z0-9_]*=""(?:[^""\\\n]|\\[\\""n])*""(?:,[a-zA-Z_][a-zA-Z0-9_]*=""(?:[^""\\\n]|\\[\\""n])*"")*\})? (-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|[+-]Inf|NaN)$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex Label();
}
