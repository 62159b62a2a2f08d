using System.Text;
using System.Threading.Channels;
using WebKnock.Events.Ssh;

namespace WebKnock.Tests.Events.Ssh;

public sealed class LogFileFollowerTests : IDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);
    private readonly TempFolder _folder = new();
    private readonly CancellationTokenSource _stop = new(TimeSpan.FromSeconds(30));
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private Task? _following;

    private string LogPath => _folder.File("auth.log");

    [Fact]
    public async Task Follows_appended_lines_and_only_new_ones()
    {
        File.WriteAllText(LogPath, "old line before the start\n");
        await StartAsync(fromEnd: true);

        Append(LogPath, "one\ntw");
        Append(LogPath, "o\r\nthree\n");

        Assert.Equal(["one", "two", "three"], await NextAsync(3));
    }

    [Fact]
    public async Task Continues_across_a_rotation_by_rename_and_a_new_file()
    {
        File.WriteAllText(LogPath, "");
        await StartAsync(fromEnd: true);
        Append(LogPath, "before rotation\n");
        Assert.Equal(["before rotation"], await NextAsync(1));

        // logrotate renames the file; the daemon writes on to the renamed file until it reopens.
        File.Move(LogPath, _folder.File("auth.log.1"));
        Append(_folder.File("auth.log.1"), "written to the old file after the rename\n");
        await Task.Delay(Poll * 5);
        Append(_folder.File("auth.log.1"), "the last line of the old file, without a newline");
        File.WriteAllText(LogPath, "first of the new file\n");
        Append(LogPath, "second of the new file\n");

        Assert.Equal(
            ["written to the old file after the rename", "the last line of the old file, without a newline", "first of the new file", "second of the new file"],
            await NextAsync(4));
    }

    [Fact]
    public async Task Continues_across_a_rotation_by_delete_and_create()
    {
        File.WriteAllText(LogPath, "");
        await StartAsync(fromEnd: true);

        File.Delete(LogPath);
        File.WriteAllText(LogPath, "after delete\n");

        Assert.Equal(["after delete"], await NextAsync(1));
    }

    [Fact]
    public async Task Starts_again_from_the_beginning_after_a_truncation()
    {
        File.WriteAllText(LogPath, "");
        await StartAsync(fromEnd: true);
        Append(LogPath, "a long line before copytruncate\n");
        Assert.Equal(["a long line before copytruncate"], await NextAsync(1));

        using (var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            stream.SetLength(0);
        }

        await Task.Delay(Poll * 5);
        Append(LogPath, "short\n");

        Assert.Equal(["short"], await NextAsync(1));
    }

    [Fact]
    public async Task Waits_for_a_missing_file_and_reads_it_whole()
    {
        await StartAsync(fromEnd: true);
        await Task.Delay(Poll * 3);

        File.WriteAllText(LogPath, "the file appeared\n");

        Assert.Equal(["the file appeared"], await NextAsync(1));
    }

    private async Task StartAsync(bool fromEnd)
    {
        var follower = new LogFileFollower(LogPath, TimeProvider.System, Poll);
        _following = Task.Run(async () =>
        {
            await foreach (var line in follower.FollowAsync(fromEnd, _stop.Token))
            {
                await _lines.Writer.WriteAsync(line);
            }
        });

        if (File.Exists(LogPath))
        {
            await OpenFiles.WaitUntilOpenAsync(LogPath);
        }
    }

    private async Task<List<string>> NextAsync(int count)
    {
        var lines = new List<string>();
        while (lines.Count < count)
        {
            lines.Add(await _lines.Reader.ReadAsync(_stop.Token));
        }

        return lines;
    }

    private static void Append(string path, string text)
    {
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        stream.Write(Encoding.UTF8.GetBytes(text));
    }

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _following?.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // Cancelled.
        }

        _stop.Dispose();
        _folder.Dispose();
    }
}
