namespace WebKnock.Knocking.Spa;

/// <summary>fwknop's message types (the fifth field of the plaintext).</summary>
public enum SpaMessageType
{
    Command = 0,
    Access = 1,
    NatAccess = 2,
    ClientTimeoutAccess = 3,
    ClientTimeoutNatAccess = 4,
    LocalNatAccess = 5,
    ClientTimeoutLocalNatAccess = 6,
}

/// <summary>One requested protocol and port of an access message (<c>tcp/443</c>).</summary>
public sealed record SpaPortRequest(string Protocol, int Port);

/// <summary>
/// The fields of a decrypted, digest-checked fwknop SPA message.
/// </summary>
/// <param name="User">The user field (base64-decoded).</param>
/// <param name="Timestamp">When the client built the packet (its clock).</param>
/// <param name="Version">The protocol version the client wrote ("3.0.0" for fwknop 2.6).</param>
/// <param name="Type">The message type.</param>
/// <param name="Address">The address the access is asked for, as written ("0.0.0.0": the packet's source).</param>
/// <param name="Ports">The requested protocols and ports.</param>
/// <param name="ClientTimeout">The window the client asks for, in seconds (0: the server's default).</param>
/// <param name="Digest">The message's own digest (base64, no padding): the replay key.</param>
public sealed record SpaMessage(
    string User,
    DateTimeOffset Timestamp,
    string Version,
    SpaMessageType Type,
    string Address,
    IReadOnlyList<SpaPortRequest> Ports,
    int ClientTimeout,
    string Digest);
