using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using WebKnock.Configuration;
using WebKnock.Knocking;

namespace WebKnock.Cli;

/// <summary>
/// <c>webknock knock HOST</c>: the knock client. Sends one TCP connection attempt (a SYN, which the gateway's
/// kernel drops without an answer) to each knock port in order, a short wait and a gap apart, then optionally
/// tries the protected port. The knock ports come from the same configuration the gateway reads
/// (appsettings/ beside the program, /etc/webknock/appsettings.json, WEBKNOCK_ variables) unless given.
/// </summary>
internal sealed class KnockCommand : ICliCommand
{
    public string Name => "knock";

    public string Summary => "knock on a gateway (TCP SYNs to the knock ports in order); --check tries the port";

    public string Usage => $"""
        usage: webknock knock HOST [--service webmail|ssh] [--ports 7000,9000,8000] [--gap-ms {KnockRequest.DefaultGapMs}]
                              [--timeout-ms {KnockRequest.DefaultTimeoutMs}] [-4|-6] [--check] [--check-port PORT] [--check-timeout-ms {KnockRequest.DefaultCheckTimeoutMs}]
          HOST                name or address of the gateway (IPv4 or IPv6)
          --service NAME      whose knock to send: webmail (default) or ssh
          --ports LIST        the knock ports in order; default: WebKnock:<Service>:Knock:Ports from the configuration
                              (appsettings/ beside this program, /etc/webknock/appsettings.json, WEBKNOCK_ variables)
          --gap-ms N          pause between two steps (default {KnockRequest.DefaultGapMs})
          --timeout-ms N      how long each step waits for an answer; a knock port never answers (default {KnockRequest.DefaultTimeoutMs})
          -4, -6              use only an IPv4 / IPv6 address of HOST
          --check             afterwards, try a TCP connection to the service's protected port (443 for webmail)
          --check-port PORT   the port to try instead (implies --check)
          --check-timeout-ms N  how long the check waits (default {KnockRequest.DefaultCheckTimeoutMs})
        exit status: 0 knocked (and, with --check, the port is open); 1 still closed, or HOST unreachable
        or unknown; 2 bad arguments or configuration
        """;

    public Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
        => RunAsync(args, LoadConfiguration, output, error, cancellationToken);

    /// <summary>Runs with a chosen configuration source (tests pass their own).</summary>
    internal async Task<int> RunAsync(string[] args, Func<IConfiguration> configuration, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (!KnockRequest.TryParse(args, out var request, out var problem))
        {
            await error.WriteLineAsync($"webknock knock: {problem}");
            await error.WriteLineAsync(Usage);
            return 2;
        }

        int[] ports;
        int checkPort;
        try
        {
            var needConfiguration = request.Ports is null || (request.Check && request.CheckPort is null);
            var configured = needConfiguration ? FromConfiguration(configuration(), request.Service) : default;
            ports = request.Ports ?? configured.Ports;
            checkPort = request.CheckPort ?? configured.CheckPort;
        }
        catch (Exception e) when (e is InvalidOperationException or InvalidDataException or FormatException or IOException)
        {
            await error.WriteLineAsync($"webknock knock: cannot take the knock from the configuration: {e.Message}");
            await error.WriteLineAsync("Give the ports with --ports (and the port to check with --check-port).");
            return 2;
        }

        try
        {
            var address = await ResolveAsync(request.Host, request.Family, cancellationToken);
            if (address is null)
            {
                var which = request.Family switch
                {
                    AddressFamily.InterNetwork => "no IPv4 address",
                    AddressFamily.InterNetworkV6 => "no IPv6 address",
                    _ => "no address",
                };
                await error.WriteLineAsync($"webknock knock: {request.Host} has {which}.");
                return request.Family is not null && IPAddress.TryParse(request.Host.Trim('[', ']'), out _) ? 2 : 1;
            }

            await output.WriteLineAsync($"Knocking on {address} for {request.Service}: ports {string.Join(", ", ports)}, {request.GapMs} ms apart.");
            for (var i = 0; i < ports.Length; i++)
            {
                if (i > 0 && request.GapMs > 0)
                {
                    await Task.Delay(request.GapMs, cancellationToken);
                }

                var outcome = await AttemptAsync(new IPEndPoint(address, ports[i]), request.TimeoutMs, cancellationToken);
                switch (outcome)
                {
                    case Attempt.NoAnswer:
                        await output.WriteLineAsync($"  step {i + 1}/{ports.Length}: port {ports[i]}, no answer (a closed port with ClosedPorts=Drop)");
                        break;
                    case Attempt.Refused:
                        await output.WriteLineAsync($"  step {i + 1}/{ports.Length}: port {ports[i]}, reset (a closed port with ClosedPorts=Reset)");
                        break;
                    case Attempt.Connected:
                        await output.WriteLineAsync($"  step {i + 1}/{ports.Length}: port {ports[i]} accepted a connection: it is open, not a knock port");
                        break;
                    case Attempt.Unreachable:
                        await error.WriteLineAsync($"webknock knock: {address} is unreachable (port {ports[i]}).");
                        return 1;
                }
            }

            if (!request.Check)
            {
                await output.WriteLineAsync("Knock sent.");
                return 0;
            }

            // A window that the gateway opens (a TOTP knock, matched in user space) arrives a few milliseconds after the
            // last SYN, and a closed port answers with a reset at once (ClosedPorts=Reset): a refusal is tried again
            // every 50 ms until the check's time is up; a port that drops is waited for once, for the whole time.
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var check = await AttemptAsync(new IPEndPoint(address, checkPort), request.CheckTimeoutMs, cancellationToken);
            while (check == Attempt.Refused && System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds + 50 < request.CheckTimeoutMs)
            {
                await Task.Delay(50, cancellationToken);
                var left = request.CheckTimeoutMs - (int)System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                check = await AttemptAsync(new IPEndPoint(address, checkPort), Math.Max(left, 1), cancellationToken);
            }

            switch (check)
            {
                case Attempt.Connected:
                    await output.WriteLineAsync($"open: {address} port {checkPort} accepts connections.");
                    return 0;
                case Attempt.Refused:
                    await output.WriteLineAsync($"still closed: {address} port {checkPort} refused the connection (no window, or nothing listens there).");
                    return 1;
                default:
                    await output.WriteLineAsync($"still closed: {address} port {checkPort} did not answer within {request.CheckTimeoutMs} ms.");
                    return 1;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync("webknock knock: interrupted.");
            return 130;
        }
        catch (SocketException e)
        {
            await error.WriteLineAsync($"webknock knock: {request.Host}: {e.Message}");
            return 1;
        }
    }

    /// <summary>The same configuration the gateway reads, without its command line.</summary>
    internal static IConfiguration LoadConfiguration() => WebKnockConfiguration.Build([]);

    /// <summary>
    /// The service's knock ports and first protected port, as the gateway would read them. The ports are read item by
    /// item: the configuration binder skips array items it cannot convert, and a knock with a step missing is no knock.
    /// </summary>
    internal static (int[] Ports, int CheckPort) FromConfiguration(IConfiguration configuration, string service)
    {
        var name = service == ServiceNames.Ssh ? "Ssh" : "Webmail";
        var section = configuration.GetSection($"{WebKnockOptions.SectionName}:{name}");
        if (service == ServiceNames.Ssh && !section.Exists())
        {
            throw new InvalidOperationException($"no SSH service is configured ({section.Path}).");
        }

        var defaults = new WebKnockOptions { Ssh = new SshOptions() }.ApplyDefaults();
        var fallback = service == ServiceNames.Ssh ? defaults.Ssh! : defaults.Webmail;
        var ports = ReadPorts(section.GetSection("Knock:Ports")) ?? fallback.Knock.Ports;
        var protectedPorts = ReadPorts(section.GetSection("ProtectedPorts")) ?? fallback.ProtectedPorts;
        if (ports.Length == 0)
        {
            throw new InvalidOperationException($"{section.Path}:Knock:Ports holds no knock.");
        }

        return (ports, protectedPorts.Length > 0 ? protectedPorts[0] : fallback.ProtectedPorts[0]);
    }

    private static int[]? ReadPorts(IConfigurationSection section)
    {
        var items = section.GetChildren().ToList();
        if (items.Count == 0)
        {
            return null;
        }

        var ports = new List<(int Index, int Port)>();
        foreach (var item in items)
        {
            if (!int.TryParse(item.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                || !int.TryParse(item.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            {
                throw new InvalidOperationException($"{item.Path} is not a port between 1 and 65535 (got \"{item.Value}\").");
            }

            ports.Add((index, port));
        }

        return [.. ports.OrderBy(p => p.Index).Select(p => p.Port)];
    }

    private static async Task<IPAddress?> ResolveAsync(string host, AddressFamily? family, CancellationToken cancellationToken)
    {
        var literal = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        var addresses = IPAddress.TryParse(literal, out var parsed)
            ? [parsed]
            : await Dns.GetHostAddressesAsync(host, cancellationToken);
        return addresses
            .Select(a => a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a)
            .FirstOrDefault(a => a.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6 && (family is null || a.AddressFamily == family));
    }

    private enum Attempt
    {
        NoAnswer,
        Refused,
        Connected,
        Unreachable,
    }

    /// <summary>One connection attempt: the kernel sends a SYN; closing the socket before any retransmission ends it quietly.</summary>
    private static async Task<Attempt> AttemptAsync(IPEndPoint endpoint, int timeoutMs, CancellationToken cancellationToken)
    {
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(timeoutMs);
        try
        {
            await socket.ConnectAsync(endpoint, timeout.Token);
            return Attempt.Connected;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Attempt.NoAnswer;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return Attempt.Refused;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut)
        {
            return Attempt.NoAnswer;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.AddressNotAvailable)
        {
            return Attempt.Unreachable;
        }
    }
}
