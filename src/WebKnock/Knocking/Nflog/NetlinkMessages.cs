using System.Buffers.Binary;

namespace WebKnock.Knocking.Nflog;

/// <summary>Splits a netlink datagram into its messages (each starts with a 16-byte <c>nlmsghdr</c>), bounds-checked.</summary>
internal static class NetlinkMessages
{
    public const int HeaderLength = 16;
    public const ushort Error = 2;
    public const ushort Done = 3;

    /// <summary>Control messages (NOOP, ERROR, DONE, OVERRUN) have types below 16.</summary>
    public const ushort MinimumDataType = 16;

    /// <summary>
    /// The message at <paramref name="offset"/>, moving <paramref name="offset"/> to the next one. False at the end,
    /// or when the rest is malformed (then <paramref name="malformed"/> is true and the rest is skipped).
    /// </summary>
    public static bool TryNext(ReadOnlySpan<byte> datagram, ref int offset, out ReadOnlySpan<byte> message, out bool malformed)
    {
        message = default;
        malformed = false;
        if (offset >= datagram.Length)
        {
            return false;
        }

        var rest = datagram[offset..];
        if (rest.Length < HeaderLength)
        {
            malformed = true;
            offset = datagram.Length;
            return false;
        }

        var length = BinaryPrimitives.ReadUInt32LittleEndian(rest);
        if (length < HeaderLength || length > (uint)rest.Length)
        {
            malformed = true;
            offset = datagram.Length;
            return false;
        }

        message = rest[..(int)length];
        offset += Math.Min(Align((int)length), rest.Length);
        return true;
    }

    public static ushort Type(ReadOnlySpan<byte> message) => BinaryPrimitives.ReadUInt16LittleEndian(message[4..]);

    public static int Align(int length) => (length + 3) & ~3;
}
