using System.Globalization;
using Xunit.Abstractions;

namespace WebKnock.NetworkTests.Infrastructure;

/// <summary>
/// Debian's OpenSSH server (<c>/usr/sbin/sshd</c>) on port 22 of a namespace, for one test. Everything it needs is in
/// its own temporary folder: its <c>sshd_config</c>, a host key and a client key pair made with <c>ssh-keygen</c>, the
/// authorized key of root, the PID file and its log (<c>sshd -E</c>, which the gateway's sshd log reader follows).
/// No PAM, no password, no terminal (so no utmp, wtmp or lastlog entry). Clients run the OpenSSH client in their own
/// namespace with that key. Disposing kills the held sessions, then sshd and every process it forked, by PID, removes
/// <c>/run/sshd</c> when this made it, and deletes the folder.
/// </summary>
public sealed class SshServer : IAsyncDisposable
{
    public const string Program = "/usr/sbin/sshd";
    public const string User = "root";

    // sshd insists on its privilege separation directory (compiled in); the ssh service makes it at boot.
    private const string PrivilegeSeparationDirectory = "/run/sshd";
    private static readonly Lock DirectoryLock = new();
    private static int _directoryUsers;
    private static bool _directoryMade;

    private readonly ITestOutputHelper _output;
    private readonly List<NamespaceProcess> _sessions = [];
    private NamespaceProcess? _sshd;
    private bool _usesDirectory;

    private SshServer(string folder, ITestOutputHelper output)
    {
        Folder = folder;
        _output = output;
    }

    /// <summary>The namespace sshd runs in, once started.</summary>
    public NetworkNamespace? Namespace { get; private set; }

    /// <summary>This server's own temporary folder (deleted on dispose).</summary>
    public string Folder { get; }

    /// <summary>The log that sshd writes itself (<c>-E</c>): one message a line, no time stamp.</summary>
    public string LogPath => Path.Combine(Folder, "sshd.log");

    public string ClientKey => Path.Combine(Folder, "client_ed25519");

    private string ConfigPath => Path.Combine(Folder, "sshd_config");

    /// <summary>Whether sshd is there on the machine (package openssh-server, with the client and ssh-keygen).</summary>
    public static string? MissingReason =>
        !File.Exists(Program) ? "sshd is not installed (package openssh-server)."
        : Shell.Which("ssh") is null || Shell.Which("ssh-keygen") is null ? "The OpenSSH client is not installed (package openssh-client)."
        : null;

    /// <summary>
    /// Makes the folder, the keys and the configuration; <see cref="StartAsync(NetworkNamespace)"/> starts sshd
    /// (in between, the gateway can be configured with <see cref="LogPath"/>).
    /// </summary>
    public static async Task<SshServer> CreateAsync(ITestOutputHelper output)
    {
        var server = new SshServer(Directory.CreateTempSubdirectory("wk-ssh-").FullName, output);
        try
        {
            await server.WriteFilesAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private async Task WriteFilesAsync()
    {
        var hostKey = Path.Combine(Folder, "ssh_host_ed25519_key");
        (await Shell.RunAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "webknock-test-host", "-f", hostKey)).ThrowIfFailed("ssh-keygen (host key)");
        (await Shell.RunAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "webknock-test-client", "-f", ClientKey)).ThrowIfFailed("ssh-keygen (client key)");
        var authorizedKeys = Path.Combine(Folder, "authorized_keys");
        File.Copy(ClientKey + ".pub", authorizedKeys, overwrite: true);

        File.WriteAllText(ConfigPath, string.Join('\n',
            "Port 22",
            "ListenAddress 0.0.0.0",
            $"HostKey {hostKey}",
            $"PidFile {Path.Combine(Folder, "sshd.pid")}",
            $"AuthorizedKeysFile {authorizedKeys}",
            "StrictModes no", // the folder lies under /tmp, which is writable by all
            "UsePAM no",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "PermitRootLogin prohibit-password",
            "PermitTTY no",
            "PrintMotd no",
            "PrintLastLog no",
            "UseDNS no",
            "X11Forwarding no",
            "AllowTcpForwarding no",
            "LogLevel INFO",
            ""));
    }

    /// <summary>Starts sshd in <paramref name="ns"/> (checking its configuration first) and waits until it listens on port 22.</summary>
    public async Task StartAsync(NetworkNamespace ns)
    {
        Namespace = ns;
        UsePrivilegeSeparationDirectory();
        (await Shell.RunAsync(Program, "-t", "-f", ConfigPath)).ThrowIfFailed("sshd -t");
        _sshd = NamespaceProcess.Start(ns, "sshd", [Program, "-D", "-f", ConfigPath, "-E", LogPath], workingDirectory: Folder);
        var sshd = _sshd;
        var listening = await Eventually.WaitAsync(async () =>
        {
            if (sshd.HasExited)
            {
                throw new InvalidOperationException($"sshd exited at start.\n{sshd.Output}\n{Log()}");
            }

            return (await ns.TryExecAsync("ss", "-Htln", "sport", "=", ":22")).Output.Contains(":22", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(15));
        if (listening is null)
        {
            throw new TimeoutException($"sshd did not listen on port 22 within 15 s.\n{Log()}");
        }

        _output.WriteLine($"sshd (pid {sshd.Pid}) listens on port 22 in {ns.Name}, log {LogPath}");
    }

    /// <summary>What sshd logged so far.</summary>
    public string Log()
    {
        try
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return new StreamReader(stream).ReadToEnd();
        }
        catch (FileNotFoundException)
        {
            return "";
        }
    }

    /// <summary>The OpenSSH client's arguments: this test's key only, no configuration, no host key check, no questions.</summary>
    public IReadOnlyList<string> ClientArguments(string host, string user, int connectTimeoutSeconds, string logLevel = "ERROR") =>
    [
        "ssh", "-F", "/dev/null", "-T", "-i", ClientKey,
        "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
        "-o", $"LogLevel={logLevel}", "-o", $"ConnectTimeout={connectTimeoutSeconds.ToString(CultureInfo.InvariantCulture)}",
        "-o", "ServerAliveInterval=2", "-o", "ServerAliveCountMax=3",
        $"{user}@{host}",
    ];

    /// <summary>Logs in from the client and runs <paramref name="command"/>; the result of <c>ssh</c> (255: no connection or no login).</summary>
    public async Task<Shell.Result> RunAsync(TestNetwork.Client client, string host, string command, string user = User, int connectTimeoutSeconds = 5)
    {
        var result = await client.Namespace.TryExecAsync([.. ClientArguments(host, user, connectTimeoutSeconds), command]);
        _output.WriteLine($"[{client.V4}] ssh {user}@{host} {command} -> {result.ExitCode} {result.Output.Trim()} {result.Error.Trim()}");
        return result;
    }

    /// <summary>
    /// Holds a session from the client: <c>cat</c> on the server, which echoes each line written to the returned
    /// process. The client sends a keep-alive every 2 s and gives up after 3 unanswered (exit 255, and at log level
    /// INFO "Timeout, server ... not responding").
    /// </summary>
    public async Task<NamespaceProcess> HoldSessionAsync(TestNetwork.Client client, string host)
    {
        var session = NamespaceProcess.Start(client.Namespace, $"ssh-session-{client.V4}", [.. ClientArguments(host, User, 5, logLevel: "INFO"), "echo ready; exec cat"]);
        _sessions.Add(session);
        var ready = await session.WaitForLineAsync("ready", TimeSpan.FromSeconds(15));
        Assert.True(ready is not null, $"the held ssh session did not start\n{session.Output}\n{Log()}");
        return session;
    }

    /// <summary>Writes a line into a held session; whether it came back within the time.</summary>
    public static async Task<bool> EchoesAsync(NamespaceProcess session, string line, TimeSpan timeout)
    {
        if (session.HasExited)
        {
            return false;
        }

        await session.WriteLineAsync(line);
        return await session.WaitForLineAsync(line, timeout) is not null;
    }

    private void UsePrivilegeSeparationDirectory()
    {
        lock (DirectoryLock)
        {
            if (_directoryUsers++ == 0 && !Directory.Exists(PrivilegeSeparationDirectory))
            {
                Directory.CreateDirectory(PrivilegeSeparationDirectory);
                _directoryMade = true;
            }

            _usesDirectory = true;
        }
    }

    private void ReleasePrivilegeSeparationDirectory()
    {
        lock (DirectoryLock)
        {
            if (!_usesDirectory)
            {
                return;
            }

            _usesDirectory = false;
            if (--_directoryUsers == 0 && _directoryMade)
            {
                try
                {
                    Directory.Delete(PrivilegeSeparationDirectory); // only when empty: never what another sshd keeps
                }
                catch (IOException)
                {
                }

                _directoryMade = false;
            }
        }
    }

    /// <summary>The PIDs of every process below <paramref name="pid"/> (sshd's per-connection children and their commands).</summary>
    private static List<int> Descendants(int pid)
    {
        var parents = new Dictionary<int, List<int>>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var child))
            {
                continue;
            }

            try
            {
                // /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold spaces and parentheses.
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var parent = int.Parse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture);
                if (!parents.TryGetValue(parent, out var list))
                {
                    parents[parent] = list = [];
                }

                list.Add(child);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
            {
                // Gone meanwhile.
            }
        }

        var found = new List<int>();
        var queue = new Queue<int>([pid]);
        while (queue.TryDequeue(out var next))
        {
            foreach (var child in parents.GetValueOrDefault(next) ?? [])
            {
                found.Add(child);
                queue.Enqueue(child);
            }
        }

        return found;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var session in _sessions)
        {
            await session.DisposeAsync();
        }

        if (_sshd is not null)
        {
            var children = _sshd.HasExited ? [] : Descendants(_sshd.Pid);
            await _sshd.DisposeAsync();
            foreach (var pid in children)
            {
                try
                {
                    using var child = System.Diagnostics.Process.GetProcessById(pid);
                    child.Kill();
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException)
                {
                    // Ended with its parent.
                }
            }
        }

        ReleasePrivilegeSeparationDirectory();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
