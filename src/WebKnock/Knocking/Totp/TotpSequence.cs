using System.Buffers.Binary;
using System.Security.Cryptography;

namespace WebKnock.Knocking.Totp;

/// <summary>
/// A user's knock sequence for one time step. The HMAC-SHA256 of the step counter (RFC 6238's message; SHA-256 since the
/// bytes are not shown as digits) is read as big-endian 32-bit numbers; each picks the port at (number mod pool size) of
/// the ascending pool, numbers at or above the largest multiple of the pool size are skipped (no modulo bias), and a
/// port already taken is skipped. When the 8 numbers run out, HMAC(secret, counter || round) gives 8 more (round 1, 2,
/// ...). A sequence that came out ascending or descending has its first two ports swapped: a sequential scan of the
/// range must not complete it. wwwroot/knock.js computes exactly this with WebCrypto.
/// </summary>
internal static class TotpSequence
{
    public static int[] Derive(ReadOnlySpan<byte> secret, long counter, TotpPortPool pool, int length)
    {
        if (length < 3 || length > pool.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "a sequence has at least 3 ports and at most the pool's size");
        }

        var ports = new int[length];
        var taken = 0;
        var size = (uint)pool.Count;
        var limit = uint.MaxValue - (uint)((1UL << 32) % size); // numbers in [0, limit] are used: (limit + 1) is a multiple of size
        Span<byte> message = stackalloc byte[9];
        BinaryPrimitives.WriteInt64BigEndian(message, counter);
        for (var round = 0; taken < length; round++)
        {
            var mac = round == 0
                ? HMACSHA256.HashData(secret, message[..8])
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
        message[8] = checked((byte)round);
        return message;
    }
}
