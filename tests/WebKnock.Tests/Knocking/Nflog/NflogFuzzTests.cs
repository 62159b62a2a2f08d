using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WebKnock.Configuration;

namespace WebKnock.Knocking.Nflog.Tests;

public sealed class NflogFuzzTests
{
    private const int Messages = 120_000;
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(30);

    [Fact]
    public void Random_and_mutated_messages_never_throw_and_are_counted()
    {
        var random = new Random(7300);
        var sink = new ListSink();
        var source = new NflogKnockSource(sink, Options.Create(new WebKnockOptions().ApplyDefaults()), TimeProvider.System, NullLogger<NflogKnockSource>.Instance);
        var seeds = Seeds();
        var watch = Stopwatch.StartNew();
        var parsed = 0;
        var sent = 0;
        for (; sent < Messages && watch.Elapsed < Budget; sent++)
        {
            var message = (sent % 4) switch
            {
                0 => RandomBytes(random),
                1 => Mutate(random, seeds[random.Next(seeds.Length)], flips: 1 + random.Next(4)),
                2 => Truncate(random, seeds[random.Next(seeds.Length)]),
                _ => Mutate(random, seeds[random.Next(seeds.Length)], flips: 0, lengths: true),
            };

            if (NflogParser.Parse(message).Success)
            {
                parsed++;
            }

            source.ProcessDatagram(message);
        }

        Assert.True(sent >= 100_000, $"only {sent} messages in {Budget}");
        Assert.True(source.Malformed > sent / 4, $"malformed {source.Malformed} of {sent}");
        Assert.True(parsed > 0, "no mutation left a valid message: the mutator is too destructive to test anything");
        Assert.True(source.Received + source.Malformed >= sent / 2);
    }

    [Fact]
    public void Valid_seeds_are_published()
    {
        var sink = new ListSink();
        var source = new NflogKnockSource(sink, Options.Create(new WebKnockOptions().ApplyDefaults()), TimeProvider.System, NullLogger<NflogKnockSource>.Instance);

        foreach (var seed in Seeds())
        {
            source.ProcessDatagram(seed);
        }

        Assert.Equal(0, source.Malformed);
        Assert.Equal(Seeds().Length, sink.Events.Count);
    }

    private static byte[][] Seeds() =>
    [
        NflogMessages.Packet("wk:step:webmail:1", NflogMessages.IPv4("192.0.2.10", NflogMessages.Tcp(7000, TcpFlags.Syn)), DateTimeOffset.UnixEpoch.AddDays(20000), 1),
        NflogMessages.Packet("wk:open:webmail", NflogMessages.IPv6("2001:db8::10", NflogMessages.Tcp(9000, TcpFlags.Syn), (0, 8), (44, 8))),
        NflogMessages.Packet("wk:drop:webmail", NflogMessages.IPv4("192.0.2.11", NflogMessages.Tcp(443, TcpFlags.Syn))),
        NflogMessages.Packet("wk:scan", NflogMessages.IPv6("2001:db8::12", NflogMessages.Tcp(22, TcpFlags.Syn), (60, 16))),
    ];

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(0, 200)];
        random.NextBytes(bytes);
        if (bytes.Length >= 8 && random.Next(2) == 0)
        {
            // Plausible headers get the parser past its first checks more often.
            BitConverter.TryWriteBytes(bytes.AsSpan(0, 4), random.Next(2) == 0 ? bytes.Length : random.Next(0, 400));
            BitConverter.TryWriteBytes(bytes.AsSpan(4, 2), (ushort)0x0400);
        }

        return bytes;
    }

    private static byte[] Mutate(Random random, byte[] seed, int flips, bool lengths = false)
    {
        var bytes = (byte[])seed.Clone();
        for (var i = 0; i < flips; i++)
        {
            bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
        }

        if (lengths)
        {
            // Attribute and header length fields sit at 4-byte boundaries: scribble over one.
            var at = random.Next(bytes.Length / 4) * 4;
            BitConverter.TryWriteBytes(bytes.AsSpan(at, 2), (ushort)random.Next(0, 600));
        }

        return bytes;
    }

    private static byte[] Truncate(Random random, byte[] seed)
    {
        var bytes = seed[..random.Next(seed.Length)];
        if (bytes.Length >= 4 && random.Next(2) == 0)
        {
            BitConverter.TryWriteBytes(bytes.AsSpan(0, 4), bytes.Length);
        }

        return bytes;
    }

    private sealed class ListSink : IKnockEventSink
    {
        public List<KnockEvent> Events { get; } = [];

        public void Publish(KnockEvent knockEvent) => Events.Add(knockEvent);
    }
}
