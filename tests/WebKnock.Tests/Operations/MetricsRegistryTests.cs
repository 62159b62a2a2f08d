using System.Text;
using WebKnock.Operations;

namespace WebKnock.Tests.Operations;

public sealed class MetricsRegistryTests
{
    [Fact]
    public void Families_are_written_in_the_text_format_sorted_by_name()
    {
        var registry = new MetricsRegistry();
        var requests = registry.Counter("b_requests_total", "Requests by class.", "class");
        requests.WithLabels("2xx").Increment();
        requests.WithLabels("2xx").Increment();
        requests.WithLabels("5xx").Increment();
        registry.Observe("a_open", "Open now.", MetricsRegistry.MetricType.Gauge, ["service"], () => [(["webmail"], 3), (["ssh"], 0.5)]);

        var text = new StringBuilder();
        registry.WriteTo(text);

        Assert.Equal(
            """
            # HELP a_open Open now.
            # TYPE a_open gauge
            a_open{service="webmail"} 3
            a_open{service="ssh"} 0.5
            # HELP b_requests_total Requests by class.
            # TYPE b_requests_total counter
            b_requests_total{class="2xx"} 2
            b_requests_total{class="5xx"} 1

            """.ReplaceLineEndings("\n"),
            text.ToString());
    }

    [Fact]
    public void Help_and_label_values_are_escaped()
    {
        var registry = new MetricsRegistry();
        registry.Counter("x_total", "Back\\slash and\nnew line.", "v").WithLabels("a\"b\\c\nd").Increment();

        var text = new StringBuilder();
        registry.WriteTo(text);

        Assert.Contains("# HELP x_total Back\\\\slash and\\nnew line.\n", text.ToString());
        Assert.Contains("x_total{v=\"a\\\"b\\\\c\\nd\"} 1\n", text.ToString());
    }

    [Fact]
    public void A_counter_without_labels_has_no_braces()
    {
        var registry = new MetricsRegistry();
        registry.Counter("refusals_total", "Refusals.").WithLabels().Increment();

        var text = new StringBuilder();
        registry.WriteTo(text);

        Assert.EndsWith("refusals_total 1\n", text.ToString());
    }

    [Fact]
    public void Counter_names_end_in_total_and_labels_match_in_number()
    {
        var registry = new MetricsRegistry();

        Assert.Throws<ArgumentException>(() => registry.Counter("requests", "Requests."));
        Assert.Throws<ArgumentException>(() => registry.Counter("requests_total", "Requests.", "class").WithLabels("2xx", "extra"));
        registry.Observe("g", "G.", MetricsRegistry.MetricType.Gauge, [], () => []);
        Assert.Throws<InvalidOperationException>(() => registry.Observe("g", "G.", MetricsRegistry.MetricType.Gauge, [], () => []));
    }

    [Fact]
    public async Task Concurrent_increments_are_all_counted()
    {
        var counter = new MetricsRegistry().Counter("c_total", "C.", "k");

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                counter.WithLabels("x").Increment();
            }
        })));

        Assert.Equal(80_000, counter.WithLabels("x").Value);
    }
}
