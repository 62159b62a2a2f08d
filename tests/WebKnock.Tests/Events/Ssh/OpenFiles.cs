namespace WebKnock.Tests.Events.Ssh;

/// <summary>Waits until this process holds a file open (seen in /proc/self/fd), so a test writes only after a follower joined the file.</summary>
internal static class OpenFiles
{
    public static async Task WaitUntilOpenAsync(string path, int timeoutMs = 10_000)
    {
        var full = Path.GetFullPath(path);
        var until = Environment.TickCount64 + timeoutMs;
        while (!IsOpen(full))
        {
            if (Environment.TickCount64 > until)
            {
                throw new TimeoutException($"{full} was not opened within {timeoutMs} ms.");
            }

            await Task.Delay(10);
        }

        await Task.Delay(50); // opened; the seek to its end follows at once
    }

    private static bool IsOpen(string path)
    {
        foreach (var fd in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            try
            {
                if (new FileInfo(fd).LinkTarget == path)
                {
                    return true;
                }
            }
            catch (IOException)
            {
                // Closed meanwhile.
            }
        }

        return false;
    }
}
