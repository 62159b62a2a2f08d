namespace WebKnock.Knocking;

/// <summary>
/// A client that gets no answer to a knock SYN sends it again with the same source port (and sequence number):
/// Linux (<c>net.ipv4.tcp_syn_retries</c> = 6) at about 1, 3, 7, 15, 31 and 63 s after the first, and its
/// <c>connect</c> gives up at 127 s. The retransmissions of a whole knock arrive in knock order again, so without
/// this rule they would complete the sequence again and re-open a window the user just closed by signing out.
/// A knock SYN whose (source address, knock port, source port) was seen within <see cref="Horizon"/> is therefore
/// ignored: it neither advances nor resets the knock. The kernel rules and <see cref="KnockDetector"/> agree on it.
/// </summary>
internal static class KnockRetransmissions
{
    /// <summary>
    /// 130 s: covers Linux's whole default connect attempt (127 s, i.e. also a client with one more retry than the
    /// default, whose last SYN leaves at 127 s) plus a few seconds of delay on the way. Measured from the first SYN
    /// (a retransmission does not extend it). A knock client that reuses the same source ports for a new knock within
    /// this time is taken for a retransmission; operating systems pick fresh ephemeral ports for each connection.
    /// </summary>
    public static readonly TimeSpan Horizon = TimeSpan.FromSeconds(130);

    /// <summary>
    /// Most triples remembered per service (and, in the kernel, per address family). A knock adds one triple per step,
    /// its retransmissions none: 65536 within <see cref="Horizon"/> is about 500 knock SYNs a second, sustained, some
    /// 170 three-port knocks a second, far above a real gateway's knocks. When it is full (a flood from many
    /// addresses), new triples are not remembered and their retransmissions count as knocks again, as before this rule;
    /// knocking itself keeps working. Each kernel element costs some 100-200 bytes.
    /// </summary>
    public const int Capacity = 65536;
}
