using System.Runtime.CompilerServices;
using System.Text;

namespace WebKnock.Events.Ssh;

/// <summary>
/// Follows a log file as <c>tail -F</c> does: yields each complete line as it is appended; when the
/// file is rotated (renamed or deleted, and a new file made at the path) reads the old one to its end
/// and continues at the start of the new one; when it is truncated in place (copytruncate) starts again
/// from the beginning. A missing file is waited for.
/// </summary>
internal sealed class LogFileFollower(string path, TimeProvider time, TimeSpan pollInterval)
{
    private readonly string _path = Path.GetFullPath(path);

    /// <param name="fromEnd">Skip what the file holds at the start (only new lines), as a service does.</param>
    public async IAsyncEnumerable<string> FollowAsync(bool fromEnd, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        var pending = new MemoryStream();
        FileStream? stream = null;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                stream ??= TryOpen(fromEnd);
                fromEnd = false; // only a file there at the start is joined at its end; later ones are new
                if (stream is null)
                {
                    await Task.Delay(pollInterval, time, cancellationToken);
                    continue;
                }

                var read = await stream.ReadAsync(buffer, cancellationToken);
                if (read > 0)
                {
                    foreach (var line in Split(buffer.AsSpan(0, read), pending))
                    {
                        yield return line;
                    }

                    continue;
                }

                if (IsReplaced(stream))
                {
                    // The writer may not have reopened yet: give it a poll interval, then read the old file out.
                    await Task.Delay(pollInterval, time, cancellationToken);
                    while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
                    {
                        foreach (var line in Split(buffer.AsSpan(0, read), pending))
                        {
                            yield return line;
                        }
                    }

                    if (pending.Length > 0)
                    {
                        yield return Decode(pending); // the old file's last line had no newline
                    }

                    await stream.DisposeAsync();
                    stream = null;
                    continue;
                }

                if (stream.Length < stream.Position)
                {
                    stream.Position = 0; // truncated in place
                    pending.SetLength(0);
                    continue;
                }

                await Task.Delay(pollInterval, time, cancellationToken);
            }
        }
        finally
        {
            if (stream is not null)
            {
                await stream.DisposeAsync();
            }
        }
    }

    private FileStream? TryOpen(bool atEnd)
    {
        try
        {
            var stream = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.Asynchronous);
            if (atEnd)
            {
                stream.Seek(0, SeekOrigin.End);
            }

            return stream;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException or IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// Whether the path now names another file than the open one: the kernel's name of the open file
    /// (/proc/self/fd) differs from the path once the file is renamed or deleted. Only when a file is
    /// there again, so that lines written to the renamed file meanwhile are still read.
    /// </summary>
    private bool IsReplaced(FileStream stream)
    {
        if (!File.Exists(_path))
        {
            return false;
        }

        string? current;
        try
        {
            var fd = stream.SafeFileHandle.DangerousGetHandle().ToInt32();
            current = new FileInfo($"/proc/self/fd/{fd}").LinkTarget;
        }
        catch (IOException)
        {
            return false;
        }

        if (current is null)
        {
            return false; // no /proc: only truncation is detected
        }

        var expected = File.ResolveLinkTarget(_path, returnFinalTarget: true)?.FullName ?? _path;
        return !string.Equals(current, expected, StringComparison.Ordinal);
    }

    private static List<string> Split(ReadOnlySpan<byte> data, MemoryStream pending)
    {
        var lines = new List<string>();
        int newline;
        while ((newline = data.IndexOf((byte)'\n')) >= 0)
        {
            pending.Write(data[..newline]);
            lines.Add(Decode(pending));
            data = data[(newline + 1)..];
        }

        pending.Write(data);
        return lines;
    }

    private static string Decode(MemoryStream pending)
    {
        var bytes = pending.GetBuffer().AsSpan(0, (int)pending.Length);
        if (bytes.Length > 0 && bytes[^1] == (byte)'\r')
        {
            bytes = bytes[..^1];
        }

        var text = Encoding.UTF8.GetString(bytes);
        pending.SetLength(0);
        return text;
    }
}
