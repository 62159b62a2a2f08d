using System.Buffers;
using System.Text;
using WebKnock.Proxy.Body;

namespace WebKnock.Tests.Proxy.Body;

public class TagInjectorTests
{
    private const string Banner = "<div id=wk>5:00</div>";
    private const string Page = "<html><body><p>Hello</p></body></html>";
    private const string Injected = "<html><body><p>Hello</p>" + Banner + "</body></html>";

    public static TheoryData<int> SplitPositions()
    {
        var data = new TheoryData<int>();
        for (int split = 0; split <= Page.Length; split++)
        {
            data.Add(split);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SplitPositions))]
    public void Tag_split_across_two_writes_is_found(int split)
    {
        var result = Run(Page[..split], Page[split..]);

        Assert.Equal(Injected, result.Text);
        Assert.True(result.Injector.Injected);
    }

    [Theory]
    [InlineData(Page, Injected)]
    [InlineData("<p>x</BODY>", "<p>x" + Banner + "</BODY>")]
    [InlineData("<p>x</Body>", "<p>x" + Banner + "</Body>")]
    [InlineData("<p>x</bOdY>", "<p>x" + Banner + "</bOdY>")]
    [InlineData("<p>x</body >", "<p>x" + Banner + "</body >")]
    [InlineData("<p>x</body\r\n\t >", "<p>x" + Banner + "</body\r\n\t >")]
    [InlineData("</body>", Banner + "</body>")]
    [InlineData("<</body>", "<" + Banner + "</body>")]
    [InlineData("</</body>", "</" + Banner + "</body>")]
    [InlineData("a</body>b</body>c", "a</body>b" + Banner + "</body>c")]
    [InlineData("</body></body></BODY >", "</body></body>" + Banner + "</BODY >")]
    public void Injects_once_before_the_last_tag_in_one_byte_writes(string input, string expected)
    {
        var oneByte = input.Select(c => c.ToString()).ToArray();

        Assert.Equal(expected, Run(input).Text);
        Assert.Equal(expected, Run(oneByte).Text);
    }

    [Theory]
    [InlineData("")]
    [InlineData("<html><p>no body end</p></html>")]
    [InlineData("<body>only the start tag")]
    [InlineData("</bodyx>")]
    [InlineData("</ body>")]
    [InlineData("</bod>")]
    [InlineData("</body/>")]
    [InlineData("</body")]
    [InlineData("text ends inside </bo")]
    [InlineData("</body   ")]
    [InlineData("<<<///bbb>>>")]
    public void Document_without_the_tag_comes_out_unchanged(string input)
    {
        var oneByte = input.Select(c => c.ToString()).ToArray();

        var whole = Run(input);
        var split = Run(oneByte);

        Assert.Equal(input, whole.Text);
        Assert.Equal(input, split.Text);
        Assert.False(whole.Injector.Injected);
        Assert.False(split.Injector.Injected);
    }

    [Fact]
    public void Too_much_whitespace_is_not_a_tag()
    {
        var input = "</body" + new string(' ', 65) + ">";

        Assert.Equal(input, Run(input).Text);
    }

    [Fact]
    public void Only_bytes_from_the_tag_onward_are_held()
    {
        var injector = new TagInjector(Encoding.ASCII.GetBytes(Banner));
        var output = new ArrayBufferWriter<byte>();

        injector.Write("<p>before</p></body>after"u8, output);

        Assert.Equal("<p>before</p>", Encoding.ASCII.GetString(output.WrittenSpan));
        Assert.Equal("</body>after".Length, injector.HeldBytes);
    }

    [Fact]
    public void Passing_the_hold_limit_injects_before_the_held_tag_and_streams_the_rest()
    {
        var tail = new string('x', 300);
        var input = "a</body>" + tail + "</body>z";
        var injector = new TagInjector(Encoding.ASCII.GetBytes(Banner), holdLimit: 128);
        var output = new ArrayBufferWriter<byte>();

        foreach (var chunk in input.Chunk(10))
        {
            injector.Write(Encoding.ASCII.GetBytes(chunk), output);
        }

        int beforeComplete = output.WrittenCount;
        injector.Complete(output);

        Assert.Equal("a" + Banner + "</body>" + tail + "</body>z", Encoding.ASCII.GetString(output.WrittenSpan));
        Assert.Equal(output.WrittenCount, beforeComplete);
        Assert.InRange(injector.MaxHeldBytes, 1, 128);
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(5000)]
    [InlineData(60_000)]
    public void Tags_apart_by_less_than_the_limit_inject_before_the_last(int gap)
    {
        var filler = new string('z', gap);
        var input = "a</body>" + filler + "</body>" + filler;

        var result = Run(input.Chunk(777).Select(c => new string(c)).ToArray());

        Assert.Equal("a</body>" + filler + Banner + "</body>" + filler, result.Text);
        Assert.InRange(result.Injector.MaxHeldBytes, gap, TagInjector.DefaultHoldLimit);
    }

    [Fact]
    public void Large_document_with_many_tags_keeps_the_hold_bounded()
    {
        var builder = new StringBuilder();
        for (int i = 0; i < 2000; i++)
        {
            builder.Append(new string('y', 997)).Append("</body>");
        }

        var input = builder.ToString();
        var result = Run(input.Chunk(4096).Select(c => new string(c)).ToArray());

        int last = input.LastIndexOf("</body>", StringComparison.Ordinal);
        Assert.Equal(input.Insert(last, Banner), result.Text);
        Assert.InRange(result.Injector.MaxHeldBytes, 1, 1024);
    }

    private static (string Text, TagInjector Injector) Run(params string[] chunks)
    {
        var injector = new TagInjector(Encoding.ASCII.GetBytes(Banner));
        var output = new ArrayBufferWriter<byte>();
        foreach (var chunk in chunks)
        {
            injector.Write(Encoding.Latin1.GetBytes(chunk), output);
        }

        injector.Complete(output);
        return (Encoding.Latin1.GetString(output.WrittenSpan), injector);
    }
}
