using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace WebKnock.Operations;

/// <summary>
/// The gateway's own metrics in the Prometheus text format (version 0.0.4): counter families whose children are
/// plain <see cref="Interlocked"/> counters, and families whose samples are read when scraped (gauges such as open
/// windows, and counters kept elsewhere, such as the NFLOG reader's). No package: the format is a few lines.
/// </summary>
internal sealed class MetricsRegistry
{
    private readonly ConcurrentDictionary<string, Family> _families = new(StringComparer.Ordinal);

    /// <summary>A counter family; <paramref name="name"/> ends in <c>_total</c>.</summary>
    public CounterFamily Counter(string name, string help, params string[] labelNames)
    {
        if (!name.EndsWith("_total", StringComparison.Ordinal))
        {
            throw new ArgumentException($"A counter's name ends in _total: {name}.", nameof(name));
        }

        return (CounterFamily)_families.GetOrAdd(name, _ => new CounterFamily(name, help, labelNames));
    }

    /// <summary>A family whose samples <paramref name="read"/> gives at each scrape (label values in the order of <paramref name="labelNames"/>).</summary>
    public void Observe(string name, string help, MetricType type, string[] labelNames, Func<IEnumerable<(string[] Labels, double Value)>> read)
    {
        if (!_families.TryAdd(name, new ObservedFamily(name, help, type, labelNames, read)))
        {
            throw new InvalidOperationException($"The metric {name} is registered already.");
        }
    }

    /// <summary>Every family, in the order of their names, as Prometheus text.</summary>
    public void WriteTo(StringBuilder text)
    {
        foreach (var family in _families.Values.OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            family.WriteTo(text);
        }
    }

    public enum MetricType
    {
        Counter,
        Gauge,
    }

    internal abstract class Family(string name, string help, MetricType type, string[] labelNames)
    {
        public string Name { get; } = name;

        protected string[] LabelNames { get; } = labelNames;

        public void WriteTo(StringBuilder text)
        {
            text.Append("# HELP ").Append(Name).Append(' ').Append(EscapeHelp(help)).Append('\n');
            text.Append("# TYPE ").Append(Name).Append(' ').Append(type == MetricType.Counter ? "counter" : "gauge").Append('\n');
            foreach (var (labels, value) in Samples())
            {
                text.Append(Name);
                if (labels.Length > 0)
                {
                    text.Append('{');
                    for (var i = 0; i < labels.Length; i++)
                    {
                        text.Append(i == 0 ? "" : ",").Append(LabelNames[i]).Append("=\"").Append(EscapeLabel(labels[i])).Append('"');
                    }

                    text.Append('}');
                }

                text.Append(' ').Append(Format(value)).Append('\n');
            }
        }

        protected abstract IEnumerable<(string[] Labels, double Value)> Samples();
    }

    internal sealed class CounterFamily(string name, string help, string[] labelNames) : Family(name, help, MetricType.Counter, labelNames)
    {
        private readonly ConcurrentDictionary<string, LabeledCounter> _children = new(StringComparer.Ordinal);

        /// <summary>The counter of these label values (created at 0 the first time).</summary>
        public LabeledCounter WithLabels(params string[] values)
        {
            if (values.Length != LabelNames.Length)
            {
                throw new ArgumentException($"{Name} has {LabelNames.Length} labels, got {values.Length} values.", nameof(values));
            }

            return _children.GetOrAdd(string.Join('\u0001', values), _ => new LabeledCounter(values));
        }

        protected override IEnumerable<(string[] Labels, double Value)> Samples()
            => _children.Values.OrderBy(c => string.Join('\u0001', c.Labels), StringComparer.Ordinal).Select(c => (c.Labels, (double)c.Value));
    }

    internal sealed class ObservedFamily(string name, string help, MetricType type, string[] labelNames, Func<IEnumerable<(string[] Labels, double Value)>> read)
        : Family(name, help, type, labelNames)
    {
        protected override IEnumerable<(string[] Labels, double Value)> Samples() => read();
    }

    /// <summary>One counter; safe to increment from any thread.</summary>
    internal sealed class LabeledCounter(string[] labels)
    {
        private long _value;

        public string[] Labels { get; } = labels;

        public long Value => Interlocked.Read(ref _value);

        public void Increment() => Interlocked.Increment(ref _value);
    }

    private static string Format(double value)
        => double.IsPositiveInfinity(value) ? "+Inf" : double.IsNegativeInfinity(value) ? "-Inf" : double.IsNaN(value) ? "NaN"
            : value.ToString("R", CultureInfo.InvariantCulture);

    // The format: in HELP, backslash and line feed are escaped; in label values, the double quote too.
    private static string EscapeHelp(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string EscapeLabel(string text) => EscapeHelp(text).Replace("\"", "\\\"", StringComparison.Ordinal);
}
