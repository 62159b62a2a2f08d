using WebKnock.Admin;
using WebKnock.Cli;

namespace WebKnock.Tests.Admin;

public sealed class HashPasswordCommandTests
{
    private readonly StringWriter _output = new();
    private readonly StringWriter _error = new();

    private Task<int> Run(string input, params string[] args) =>
        new HashPasswordCommand(new StringReader(input)).RunAsync(args, _output, _error, CancellationToken.None);

    [Fact]
    public async Task Prints_only_a_hash_that_verifies_the_password_and_nothing_else()
    {
        Assert.Equal(0, await Run("s3cret pass phrase \n"));

        var line = Assert.Single(_output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("pbkdf2-sha256$600000$", line);
        Assert.True(AdminPasswordHash.TryParse(line, out var hash, out _));
        Assert.Equal(16, hash!.Salt.Length);
        Assert.True(hash.Verify("s3cret pass phrase ")); // spaces are the password's; only the line ending is not
        Assert.False(hash.Verify("s3cret pass phrase"));
        Assert.False(hash.Verify("S3cret pass phrase "));
        Assert.Equal("", _error.ToString());
    }

    [Fact]
    public async Task The_same_password_twice_gives_two_salts()
    {
        await Run("same\r\n");
        await Run("same\n");

        var lines = _output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.NotEqual(lines[0], lines[1]);
        Assert.All(lines, l => Assert.True(AdminPasswordHash.TryParse(l.TrimEnd('\r'), out var h, out _) && h!.Verify("same")));
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n")]
    [InlineData("\nsecond line\n")]
    public async Task An_empty_password_is_refused_with_a_clear_message(string input)
    {
        Assert.Equal(2, await Run(input));

        Assert.Equal("", _output.ToString());
        Assert.Contains("An empty password is refused", _error.ToString());
    }

    [Fact]
    public async Task A_password_on_the_command_line_is_refused()
    {
        Assert.Equal(2, await Run("pw\n", "hunter2"));
        Assert.Equal("", _output.ToString());
        Assert.Contains("standard input", _error.ToString());
    }

    [Fact]
    public async Task Help_and_the_command_list_describe_it()
    {
        var output = new StringWriter();
        Assert.Equal(0, await CommandLine.RunAsync(["hash-password", "--help"], output, new StringWriter()));
        Assert.Contains("standard input", output.ToString());
        Assert.Contains("WebKnock:Admin:Users", output.ToString());

        var help = new StringWriter();
        await CommandLine.RunAsync(["help"], help, new StringWriter());
        Assert.Contains("webknock hash-password", help.ToString());
    }

    [Fact]
    public void A_tampered_hash_does_not_verify()
    {
        var text = AdminPasswordHash.Create("pw", AdminPasswordHash.MinIterations);
        var parts = text.Split('$');
        var bytes = Convert.FromBase64String(parts[3]);
        bytes[0] ^= 1;
        var tampered = string.Join('$', parts[0], parts[1], parts[2], Convert.ToBase64String(bytes));

        Assert.True(AdminPasswordHash.TryParse(tampered, out var hash, out _));
        Assert.False(hash!.Verify("pw"));
    }
}
