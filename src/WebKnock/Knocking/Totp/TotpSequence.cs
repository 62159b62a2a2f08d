using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace WebKnock.Knocking.Totp;

/// <summary>
/// A user's knock sequence for one time step. The HMAC-SHA256 of the step counter (RFC 6238's message; SHA-256 since the
/// bytes are not shown as digits) is read as big-endian 32-bit numbers; each picks the port at (number mod pool size) of
/// the ascending pool, numbers at or above the largest multiple of the pool size are skipped (no modulo bias), and a
/// port already taken is skipped. When the 8 numbers run out, HMAC(secret, counter || round) gives 8 more (round 1, 2,
/// ...). A sequence that came out ascending or descending has its first two ports swapped: a sequential scan of the
/// range must not complete it. wwwroot/knock.js computes exactly this with WebCrypto.
/// Services other than the webmail put their name (UTF-8) and a zero byte before the counter, so one user's secret
/// gives unrelated sequences per service: with the bare counter for both, a webmail knock seen on the wire would give
/// away the same step's SSH sequence (each SSH port is the webmail port's place in its pool modulo the SSH pool's size
/// when that size divides the webmail pool's, as 1,000 divides the default 10,000), and the SSH step would still be
/// unused. The webmail keeps the bare counter, which the knock page computes.
/// </summary>
internal static class TotpSequence
{
    private const int MaxServiceBytes = 32;

    public static int[] Derive(ReadOnlySpan<byte> secret, long counter, TotpPortPool pool, int length, string service = ServiceNames.Webmail)
    {
        if (length < 3 || length > pool.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "a sequence has at least 3 ports and at most the pool's size");
        }

        var ports = new int[length];
        var taken = 0;
        var size = (uint)pool.Count;
        var limit = uint.MaxValue - (uint)((1UL << 32) % size); // numbers in [0, limit] are used: (limit + 1) is a multiple of size
        var context = service == ServiceNames.Webmail ? 0 : Encoding.UTF8.GetByteCount(service) + 1;
        if (context > MaxServiceBytes + 1)
        {
            throw new ArgumentOutOfRangeException(nameof(service), service, "a service name has at most 32 bytes");
        }

        Span<byte> buffer = stackalloc byte[MaxServiceBytes + 1 + 9];
        var message = buffer[..(context + 9)];
        if (context > 0)
        {
            Encoding.UTF8.GetBytes(service, message);
            message[context - 1] = 0;
        }

        BinaryPrimitives.WriteInt64BigEndian(message[context..], counter);
        for (var round = 0; taken < length; round++)
        {
            var mac = round == 0
                ? HMACSHA256.HashData(secret, message[..(context + 8)])
                : HMACSHA256.HashData(secret, Round(message, round));
            for (var i = 0; i + 4 <= mac.Length && taken < length; i += 4)
            {
                var number = BinaryPrimitives.ReadUInt32BigEndian(mac.AsSpan(i, 4));
                if (number > limit)
                {
                    continue;
                }

                var port = pool[(int)(number % size)];
                if (Array.IndexOf(ports, port, 0, taken) < 0)
                {
                    ports[taken++] = port;
                }
            }
        }

        if (IsMonotonic(ports))
        {
            (ports[0], ports[1]) = (ports[1], ports[0]);
        }

        return ports;
    }

    /// <summary>Strictly ascending or strictly descending.</summary>
    public static bool IsMonotonic(IReadOnlyList<int> ports)
    {
        bool ascending = true, descending = true;
        for (var i = 1; i < ports.Count; i++)
        {
            ascending &= ports[i] > ports[i - 1];
            descending &= ports[i] < ports[i - 1];
        }

        return ascending || descending;
    }

    private static Span<byte> Round(Span<byte> message, int round)
    {
        message[^1] = checked((byte)round);
        return message;
    }
}
