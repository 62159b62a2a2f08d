namespace WebKnock.Proxy.Body;

/// <summary>
/// Watches a stream of chunks for one exact byte sequence, found even when split across chunks.
/// Keeps only the last marker-length bytes between chunks. One instance per response.
/// </summary>
internal sealed class MarkerScanner
{
    private readonly byte[] _marker;
    private readonly byte[] _window; // the kept tail, then the head of the next chunk
    private int _tailLength;

    public MarkerScanner(byte[] marker)
    {
        ArgumentNullException.ThrowIfNull(marker);
        ArgumentOutOfRangeException.ThrowIfZero(marker.Length);
        _marker = marker;
        _window = new byte[2 * (marker.Length - 1)];
    }

    /// <summary>True once the marker has been seen.</summary>
    public bool Seen { get; private set; }

    public void Scan(ReadOnlySpan<byte> data)
    {
        if (Seen || data.IsEmpty)
        {
            return;
        }

        // An occurrence across the boundary lies within the tail and the next keep bytes.
        int keep = _marker.Length - 1;
        int head = Math.Min(keep, data.Length);
        data[..head].CopyTo(_window.AsSpan(_tailLength));
        int joined = _tailLength + head;
        if (_tailLength > 0 && _window.AsSpan(0, joined).IndexOf(_marker) >= 0)
        {
            Seen = true;
            return;
        }

        if (data.IndexOf(_marker) >= 0)
        {
            Seen = true;
            return;
        }

        if (data.Length >= keep)
        {
            data[^keep..].CopyTo(_window);
            _tailLength = keep;
        }
        else
        {
            // The whole chunk is already in the window, after the old tail.
            _tailLength = Math.Min(keep, joined);
            _window.AsSpan(joined - _tailLength, _tailLength).CopyTo(_window);
        }
    }
}
