using System.Buffers;

namespace WebKnock.Proxy.Body;

/// <summary>
/// Streaming insertion of bytes before a document's last <c>&lt;/body&gt;</c> (any case, optional
/// whitespace before the <c>&gt;</c>), fed in chunks of any size, a tag split anywhere included.
/// </summary>
/// <remarks>
/// Only output from a found <c>&lt;/body&gt;</c> onward is held back, because a later one may follow.
/// A later tag releases the held bytes and is held instead; when the held bytes would pass the hold
/// limit, the injection goes before the held tag and everything after it passes through. A document
/// without the tag comes out unchanged. Not thread-safe: one instance per response.
/// </remarks>
internal sealed class TagInjector
{
    /// <summary>The default bound on held-back bytes.</summary>
    public const int DefaultHoldLimit = 64 * 1024;

    // "</body" and the whitespace after it; a longer run of whitespace is not taken for the tag.
    private const int NameLength = 6;
    private const int MaxWhitespace = 64;
    private const int MaxTagLength = NameLength + MaxWhitespace + 1;
    private const int InitialHold = 1024;

    private readonly byte[] _injection;
    private readonly int _holdLimit;
    private readonly byte[] _tag = new byte[MaxTagLength];
    private int _tagLength; // bytes of a possible tag seen so far; 0 when outside one
    private byte[]? _held;  // starts with the candidate tag when _holding
    private int _heldLength;
    private bool _holding;

    public TagInjector(byte[] injection, int holdLimit = DefaultHoldLimit)
    {
        ArgumentNullException.ThrowIfNull(injection);
        ArgumentOutOfRangeException.ThrowIfLessThan(holdLimit, MaxTagLength);
        _injection = injection;
        _holdLimit = holdLimit;
    }

    /// <summary>True once the injection has been written to an output.</summary>
    public bool Injected { get; private set; }

    /// <summary>Bytes held back right now (a held tag and what follows it, or a partial tag).</summary>
    public int HeldBytes => _heldLength + _tagLength;

    /// <summary>The most bytes ever held back at once; at most the hold limit plus one tag.</summary>
    public int MaxHeldBytes { get; private set; }

    /// <summary>Consumes the next chunk; writes to <paramref name="output"/> whatever need not be held.</summary>
    public void Write(ReadOnlySpan<byte> data, IBufferWriter<byte> output)
    {
        while (!data.IsEmpty)
        {
            if (Injected)
            {
                output.Write(data);
                break;
            }

            if (_tagLength == 0 && !_holding)
            {
                // Fast path, before any </body>: skip every '<' that cannot start the tag and write
                // the run of content once.
                int candidate = FindCandidate(data);
                if (candidate < 0)
                {
                    output.Write(data);
                    break;
                }

                output.Write(data[..candidate]);
                data = data[candidate..];
            }
            else if (_tagLength == 0)
            {
                int start = data.IndexOf((byte)'<');
                if (start < 0)
                {
                    Content(data, output);
                    break;
                }

                Content(data[..start], output);
                data = data[start..];
                if (Injected)
                {
                    continue;
                }
            }

            data = data[MatchTag(data, output)..];
        }

        Track();
    }

    /// <summary>Ends the document: injects before a held tag, if any, and releases everything.</summary>
    public void Complete(IBufferWriter<byte> output)
    {
        if (_tagLength > 0)
        {
            // An unfinished tag at the very end is just content.
            var partial = _tag.AsSpan(0, _tagLength);
            _tagLength = 0;
            Content(partial, output);
        }

        if (_holding)
        {
            Inject(output);
        }
    }

    // The index of the first '<' whose following bytes (as far as the data goes) spell "/body", or -1.
    private static int FindCandidate(ReadOnlySpan<byte> data)
    {
        int from = 0;
        while (true)
        {
            int lt = data[from..].IndexOf((byte)'<');
            if (lt < 0)
            {
                return -1;
            }

            int at = from + lt;
            int available = Math.Min(NameLength, data.Length - at);
            int matched = 1;
            while (matched < available && Continues(matched, data[at + matched]))
            {
                matched++;
            }

            if (matched == available)
            {
                return at;
            }

            from = at + 1;
        }
    }

    // Continues a possible tag with the data; returns how many bytes were taken from it.
    private int MatchTag(ReadOnlySpan<byte> data, IBufferWriter<byte> output)
    {
        for (int i = 0; i < data.Length; i++)
        {
            byte b = data[i];
            if (b == (byte)'>' && _tagLength >= NameLength)
            {
                _tag[_tagLength++] = b;
                TagFound(output);
                return i + 1;
            }

            if (!Continues(_tagLength, b))
            {
                // Only the first byte of a candidate can be '<', so no tag starts inside it:
                // it is content, and the byte that broke it is looked at again.
                var content = _tag.AsSpan(0, _tagLength);
                _tagLength = 0;
                Content(content, output);
                return i;
            }

            _tag[_tagLength++] = b;
        }

        return data.Length;
    }

    private static bool Continues(int position, byte b) => position switch
    {
        0 => b == (byte)'<',
        1 => b == (byte)'/',
        2 => (b | 0x20) == (byte)'b',
        3 => (b | 0x20) == (byte)'o',
        4 => (b | 0x20) == (byte)'d',
        5 => (b | 0x20) == (byte)'y',
        < MaxTagLength - 1 => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\f',
        _ => false,
    };

    private void TagFound(IBufferWriter<byte> output)
    {
        var tag = _tag.AsSpan(0, _tagLength);
        _tagLength = 0;
        if (_holding)
        {
            // A later </body> exists, so the held one is not the last: release it.
            output.Write(_held.AsSpan(0, _heldLength));
        }

        _holding = true;
        _heldLength = 0;
        Hold(tag);
    }

    private void Content(ReadOnlySpan<byte> content, IBufferWriter<byte> output)
    {
        if (!_holding)
        {
            output.Write(content);
        }
        else if (_heldLength + content.Length > _holdLimit)
        {
            Inject(output);
            output.Write(content);
        }
        else
        {
            Hold(content);
        }
    }

    private void Hold(ReadOnlySpan<byte> bytes)
    {
        // Usually only "</body></html>" and a newline follow: grow towards the limit only when needed.
        int needed = _heldLength + bytes.Length;
        if (_held is null || _held.Length < needed)
        {
            var larger = new byte[Math.Min(_holdLimit, Math.Max(needed, Math.Max(InitialHold, 2 * (_held?.Length ?? 0))))];
            _held.AsSpan(0, _heldLength).CopyTo(larger);
            _held = larger;
        }

        bytes.CopyTo(_held.AsSpan(_heldLength));
        _heldLength += bytes.Length;
        Track();
    }

    private void Inject(IBufferWriter<byte> output)
    {
        output.Write(_injection);
        output.Write(_held.AsSpan(0, _heldLength));
        _holding = false;
        _heldLength = 0;
        _held = null;
        Injected = true;
    }

    private void Track() => MaxHeldBytes = Math.Max(MaxHeldBytes, HeldBytes);
}
