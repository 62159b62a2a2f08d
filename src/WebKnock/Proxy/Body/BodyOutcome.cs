namespace WebKnock.Proxy.Body;

/// <summary>What <see cref="ResponseBodyRewriter"/> did to one response body.</summary>
internal sealed class BodyOutcome
{
    /// <summary>The injection was written into the body (exactly once).</summary>
    public bool Injected { get; internal set; }

    /// <summary>The watch marker occurred in the (decoded) body.</summary>
    public bool MarkerSeen { get; internal set; }

    /// <summary>The body was decompressed and sent without its Content-Encoding.</summary>
    public bool Decoded { get; internal set; }

    /// <summary>
    /// Diagnostics: the most bytes the injector ever held back at once. Stays under
    /// <see cref="TagInjector.DefaultHoldLimit"/> plus one tag, however large the page.
    /// </summary>
    public int MaxHeldBytes { get; internal set; }
}
