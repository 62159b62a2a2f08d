using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using WebKnock.Configuration;
using WebKnock.Knocking;

namespace WebKnock.Cli;

/// <summary>What <c>webknock knock</c> was asked to do, as parsed from its arguments.</summary>
/// <param name="Host">Name or address of the gateway.</param>
/// <param name="Service">Whose knock: <c>webmail</c> or <c>ssh</c>.</param>
/// <param name="Ports">The knock ports given with <c>--ports</c>; null: from the configuration.</param>
/// <param name="GapMs">Pause between two steps.</param>
/// <param name="TimeoutMs">How long one step waits for the answer that should never come.</param>
/// <param name="Family">Only this address family of the host (<c>-4</c>, <c>-6</c>); null: the first address.</param>
/// <param name="Check">Whether to try the protected port afterwards.</param>
/// <param name="CheckPort">The port to try; null: the service's first protected port from the configuration.</param>
/// <param name="CheckTimeoutMs">How long the check waits for the protected port.</param>
internal sealed record KnockRequest(
    string Host,
    string Service,
    int[]? Ports,
    int GapMs,
    int TimeoutMs,
    AddressFamily? Family,
    bool Check,
    int? CheckPort,
    int CheckTimeoutMs)
{
    public const int DefaultGapMs = 100;
    public const int DefaultTimeoutMs = 300;
    public const int DefaultCheckTimeoutMs = 3000;
    private const int MaxMs = 60_000;

    /// <summary>Parses the words after <c>knock</c>; on failure <paramref name="error"/> says what is wrong.</summary>
    public static bool TryParse(IReadOnlyList<string> args, [NotNullWhen(true)] out KnockRequest? request, out string? error)
    {
        request = null;
        string? host = null;
        var service = ServiceNames.Webmail;
        int[]? ports = null;
        int gap = DefaultGapMs, timeout = DefaultTimeoutMs, checkTimeout = DefaultCheckTimeoutMs;
        int? checkPort = null;
        AddressFamily? family = null;
        var check = false;

        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string? inline = null;
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.IndexOf('=') is var eq and > 2)
            {
                inline = arg[(eq + 1)..];
                arg = arg[..eq];
            }

            string? Value()
            {
                if (inline is not null)
                {
                    return inline;
                }

                return i + 1 < args.Count ? args[++i] : null;
            }

            switch (arg)
            {
                case "--service":
                    var s = Value();
                    if (s is not (ServiceNames.Webmail or ServiceNames.Ssh))
                    {
                        error = $"--service must be {ServiceNames.Webmail} or {ServiceNames.Ssh} (got \"{s}\").";
                        return false;
                    }

                    service = s;
                    break;
                case "--ports":
                    if (!TryParsePorts(Value(), out ports, out error))
                    {
                        return false;
                    }

                    break;
                case "--gap-ms":
                    if (!TryParseMs("--gap-ms", Value(), 0, out gap, out error))
                    {
                        return false;
                    }

                    break;
                case "--timeout-ms":
                    if (!TryParseMs("--timeout-ms", Value(), 1, out timeout, out error))
                    {
                        return false;
                    }

                    break;
                case "--check-timeout-ms":
                    if (!TryParseMs("--check-timeout-ms", Value(), 1, out checkTimeout, out error))
                    {
                        return false;
                    }

                    break;
                case "--check-port":
                    var p = Value();
                    if (!TryParsePort(p, out var port))
                    {
                        error = $"--check-port must be a port between 1 and 65535 (got \"{p}\").";
                        return false;
                    }

                    checkPort = port;
                    break;
                case "--check" when inline is null:
                    check = true;
                    break;
                case "-4" or "-6":
                    var wanted = arg == "-4" ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6;
                    if (family is { } f && f != wanted)
                    {
                        error = "-4 and -6 exclude each other.";
                        return false;
                    }

                    family = wanted;
                    break;
                default:
                    if (arg.StartsWith('-'))
                    {
                        error = $"unknown option \"{args[i]}\".";
                        return false;
                    }

                    if (host is not null)
                    {
                        error = $"one HOST only (got \"{host}\" and \"{arg}\").";
                        return false;
                    }

                    host = arg;
                    break;
            }
        }

        if (host is null)
        {
            error = "HOST is missing.";
            return false;
        }

        if (checkPort is not null && !check)
        {
            check = true; // asking for a port to check means checking it
        }

        request = new KnockRequest(host, service, ports, gap, timeout, family, check, checkPort, checkTimeout);
        error = null;
        return true;
    }

    private static bool TryParsePorts(string? text, out int[]? ports, out string? error)
    {
        ports = null;
        error = null;
        var parts = (text ?? "").Split(',', StringSplitOptions.TrimEntries);
        if (string.IsNullOrWhiteSpace(text) || parts.Any(p => p.Length == 0))
        {
            error = $"--ports needs ports separated by commas, like 7000,9000,8000 (got \"{text}\").";
            return false;
        }

        var parsed = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!TryParsePort(parts[i], out parsed[i]))
            {
                error = $"--ports: \"{parts[i]}\" is not a port between 1 and 65535.";
                return false;
            }
        }

        ports = parsed;
        return true;
    }

    private static bool TryParsePort(string? text, out int port)
        => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is >= 1 and <= 65535;

    private static bool TryParseMs(string name, string? text, int min, out int value, out string? error)
    {
        error = null;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= MaxMs)
        {
            return true;
        }

        error = $"{name} must be a whole number of milliseconds between {min} and {MaxMs} (got \"{text}\").";
        return false;
    }
}
