namespace WebKnock.Configuration;

public sealed class NetworkOptions
{
    /// <summary>Addresses or networks (CIDR) of reverse proxies whose X-Forwarded-For is believed.</summary>
    public string[] TrustedProxies { get; set; } = [];

    /// <summary>Networks (CIDR) that may always reach the gateway, window or not.</summary>
    public string[] AlwaysAllowed { get; set; } = [];

    /// <summary>What the gate does to a request without a window: <c>Abort</c> (no response) or <c>NotFound</c>.</summary>
    public GateRefusal Refusal { get; set; } = GateRefusal.Abort;

    /// <summary>
    /// At most this many connections open at once from one address (0: no limit; trusted proxies are exempt), so that
    /// one address cannot hold all of Kestrel's (Kestrel:Limits:MaxConcurrentConnections). Default 512: a browser
    /// opens about 6 per site, so a NAT address shared by 80 busy users still fits.
    /// </summary>
    public int MaxConnectionsPerAddress { get; set; } = 512;

    /// <summary>
    /// The widest IPv4 network an administrator may open a network window for: its prefix must be at least this long
    /// (default 16: a /16, 65,536 addresses, about the largest block one organisation holds).
    /// </summary>
    public int NetworkWindowMinPrefixV4 { get; set; } = 16;

    /// <summary>
    /// The widest IPv6 network a network window may open (default 32: a /32, the usual allocation of a whole
    /// organisation or provider; a site is a /48).
    /// </summary>
    public int NetworkWindowMinPrefixV6 { get; set; } = 32;

    /// <summary>
    /// How long a new connection from an address without a window (not always allowed, not a trusted proxy, not in
    /// an operations or admin network) waits for its window before it is closed without a TLS handshake: the
    /// kernel lets the address in at its last knock, and the report reaches the gateway a moment later. 0 closes it
    /// at once.
    /// </summary>
    public TimeSpan WindowWait { get; set; } = TimeSpan.FromSeconds(1);
}

public enum GateRefusal
{
    Abort,
    NotFound,
}
