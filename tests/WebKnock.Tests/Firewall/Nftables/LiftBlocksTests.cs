using System.Net;
using Microsoft.Extensions.Logging.Abstractions;

namespace WebKnock.Firewall.Nftables.Tests;

public sealed class LiftBlocksTests
{
    [Theory]
    [InlineData("2001:db8:1:2:3:4:5:6", 64, "2001:db8:1:2::")]
    [InlineData("2001:db8:1:2:3:4:5:6", 48, "2001:db8:1::")]
    [InlineData("2001:db8:1:2:3:4:5:6", 128, "2001:db8:1:2:3:4:5:6")]
    public void Prefix_clears_the_host_bits(string address, int length, string expected)
    {
        Assert.Equal(IPAddress.Parse(expected), NftablesFirewall.Prefix(IPAddress.Parse(address), length));
    }

    [Theory]
    [InlineData("192.0.2.7", new[] { "blocked4 { 192.0.2.7 }", "knockban4 { 192.0.2.7 }" })]
    [InlineData("2001:db8:1:2::9", new[] { "blocked6 { 2001:db8:1:2::9 }", "blocked6 { 2001:db8:1:2:: }", "knockban6 { 2001:db8:1:2:: }" })]
    public async Task A_credentialed_knock_lifts_the_block_and_the_ban_of_the_address_and_its_prefix(string address, string[] deleted)
    {
        var runner = new Recorder();
        await using var writer = new NftWriter(() => runner);
        var firewall = new NftablesFirewall(
            Microsoft.Extensions.Options.Options.Create(RulesetBuilderTests.Options()),
            Microsoft.Extensions.Options.Options.Create(new NftablesOptions()),
            writer, NullLogger<NftablesFirewall>.Instance);

        await firewall.LiftBlocksAsync(IPAddress.Parse(address), CancellationToken.None);

        // The writer batches: "delete element inet webknock SET { A, B }".
        var removed = runner.Buffers.SelectMany(b => b.Split('\n'))
            .Where(l => l.StartsWith("delete element inet webknock ", StringComparison.Ordinal))
            .SelectMany(l =>
            {
                var words = l["delete element inet webknock ".Length..];
                var set = words[..words.IndexOf(' ', StringComparison.Ordinal)];
                var items = words[(words.IndexOf('{', StringComparison.Ordinal) + 1)..words.LastIndexOf('}')].Split(',', StringSplitOptions.TrimEntries);
                return items.Select(i => $"{set} {{ {i} }}");
            })
            .Distinct()
            .Order()
            .ToArray();

        Assert.Equal(deleted.Order(), removed);
    }

    private sealed class Recorder : INftRunner
    {
        public List<string> Buffers { get; } = [];

        public string Run(string commands, bool json = false, bool terse = false)
        {
            lock (Buffers)
            {
                Buffers.Add(commands);
            }

            return "";
        }

        public void Dispose()
        {
        }
    }
}
