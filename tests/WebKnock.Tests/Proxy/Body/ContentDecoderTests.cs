using System.IO.Compression;
using Microsoft.Extensions.Primitives;
using WebKnock.Proxy.Body;

namespace WebKnock.Tests.Proxy.Body;

public class ContentDecoderTests
{
    [Theory]
    [InlineData(null, true, "Identity")]
    [InlineData("", true, "Identity")]
    [InlineData("identity", true, "Identity")]
    [InlineData("gzip", true, "Gzip")]
    [InlineData("GZIP", true, "Gzip")]
    [InlineData("x-gzip", true, "Gzip")]
    [InlineData(" deflate ", true, "Deflate")]
    [InlineData("br", true, "Brotli")]
    [InlineData("zstd", false, "Identity")]
    [InlineData("compress", false, "Identity")]
    [InlineData("gzip, br", false, "Identity")]
    public void Parses_content_encoding(string? header, bool supported, string expected)
    {
        Assert.Equal(supported, ContentDecoder.TryParseCoding(new StringValues(header), out var coding));
        Assert.Equal(expected, coding.ToString());
    }

    [Fact]
    public void Two_header_values_are_not_supported()
    {
        Assert.False(ContentDecoder.TryParseCoding(new StringValues(["gzip", "br"]), out _));
    }

    [Theory]
    [InlineData("gzip", 1)]
    [InlineData("gzip", 1000)]
    [InlineData("zlib", 7)]
    [InlineData("raw-deflate", 7)]
    [InlineData("raw-deflate", 1)]
    [InlineData("br", 333)]
    public async Task Decodes_in_chunks_of_any_size(string format, int chunkSize)
    {
        var original = Html.Page(200_000);
        var compressed = Compress(format, original);
        var decoded = new MemoryStream();
        var coding = format switch { "gzip" => ContentCoding.Gzip, "br" => ContentCoding.Brotli, _ => ContentCoding.Deflate };

        await using var decoder = new ContentDecoder(coding, (block, _) => decoded.WriteAsync(block), CancellationToken.None);
        foreach (var chunk in compressed.Chunk(chunkSize))
        {
            await decoder.WriteAsync(chunk, CancellationToken.None);
        }

        await decoder.CompleteAsync();
        Assert.Equal(original, decoded.ToArray());
    }

    [Theory]
    [InlineData("Gzip")]
    [InlineData("Deflate")]
    [InlineData("Brotli")]
    public async Task Empty_input_decodes_to_nothing(string coding)
    {
        int blocks = 0;
        await using var decoder = new ContentDecoder(
            Enum.Parse<ContentCoding>(coding), (_, _) => { blocks++; return ValueTask.CompletedTask; }, CancellationToken.None);

        await decoder.CompleteAsync();

        Assert.Equal(0, blocks);
    }

    [Fact]
    public async Task Corrupt_input_fails_the_writer()
    {
        await using var decoder = new ContentDecoder(ContentCoding.Gzip, (_, _) => ValueTask.CompletedTask, CancellationToken.None);

        await Assert.ThrowsAsync<InvalidDataException>(async () =>
        {
            await decoder.WriteAsync(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 }, CancellationToken.None);
            await decoder.CompleteAsync();
        });
    }

    [Fact]
    public async Task Sink_failure_reaches_the_writer()
    {
        var compressed = Compress("gzip", Html.Page(1_000_000));
        await using var decoder = new ContentDecoder(
            ContentCoding.Gzip, (_, _) => throw new IOException("client gone"), CancellationToken.None);

        var failure = await Assert.ThrowsAsync<IOException>(async () =>
        {
            foreach (var chunk in compressed.Chunk(4096))
            {
                await decoder.WriteAsync(chunk, CancellationToken.None);
            }

            await decoder.CompleteAsync();
        });
        Assert.Equal("client gone", failure.Message);
    }

    internal static byte[] Compress(string format, byte[] data)
    {
        var output = new MemoryStream();
        using (Stream compressor = format switch
        {
            "gzip" => new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true),
            "zlib" => new ZLibStream(output, CompressionLevel.Fastest, leaveOpen: true),
            "raw-deflate" => new DeflateStream(output, CompressionLevel.Fastest, leaveOpen: true),
            "br" => new BrotliStream(output, CompressionLevel.Fastest, leaveOpen: true),
            _ => throw new ArgumentOutOfRangeException(nameof(format)),
        })
        {
            compressor.Write(data);
        }

        return output.ToArray();
    }
}
