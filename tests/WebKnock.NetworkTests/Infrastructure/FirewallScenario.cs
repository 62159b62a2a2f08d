using System.Globalization;
using System.Net;
using WebKnock.Configuration;
using WebKnock.Firewall.Nftables;
using WebKnock.NetworkTests.Agent;

namespace WebKnock.NetworkTests.Infrastructure;

/// <summary>A test network with the firewall agent running in the server namespace, its table loaded.</summary>
public sealed class FirewallScenario : IAsyncDisposable
{
    public const string Webmail = "webmail";
    public static readonly int[] Knock = [7000, 8000, 9000];

    private FirewallScenario(TestNetwork network, AgentProcess agent)
    {
        Network = network;
        Agent = agent;
    }

    public TestNetwork Network { get; }

    public AgentProcess Agent { get; }

    public NetworkNamespace Server => Network.Server;

    public static AgentConfig DefaultConfig() => new()
    {
        WebKnock = new WebKnockOptions
        {
            Webmail = new ServiceOptions
            {
                Knock = new KnockOptions { Ports = Knock, StepTimeout = TimeSpan.FromSeconds(10), RatePerSecond = 20, RateBurst = 10 },
                ProtectedPorts = [443],
                Window = TimeSpan.FromMinutes(30),
            },
            Firewall = new FirewallOptions { Backend = "Nftables", Table = "webknock", NflogGroup = 7300 },
        },
        Nftables = new NftablesOptions { WatchdogInterval = TimeSpan.FromMilliseconds(500), ScanThreshold = 20, ScanPeriod = TimeSpan.FromMinutes(1) },
    };

    public static async Task<FirewallScenario> StartAsync(AgentConfig? config = null, int clients = 1, bool reader = true)
    {
        var network = await TestNetwork.CreateAsync(clients);
        try
        {
            var agent = await AgentProcess.StartAsync(network.Server, config ?? DefaultConfig());
            var scenario = new FirewallScenario(network, agent);
            await agent.SendAsync("init");
            if (reader)
            {
                await agent.SendAsync("reader");
            }

            return scenario;
        }
        catch
        {
            await network.DisposeAsync();
            throw;
        }
    }

    /// <summary>The elements of a set as the agent lists them: address to remaining seconds (null: no timeout).</summary>
    public async Task<Dictionary<IPAddress, double?>> ListAsync(string command)
    {
        var reply = await Agent.SendAsync(command);
        return reply.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(item => item.Split('='))
            .ToDictionary(p => IPAddress.Parse(p[0]), p => p[1] == "none" ? (double?)null : double.Parse(p[1], CultureInfo.InvariantCulture));
    }

    /// <summary>The networks of the service's interval sets as the agent lists them: network to remaining seconds.</summary>
    public async Task<Dictionary<IPNetwork, double?>> NetworksAsync(string service)
    {
        var reply = await Agent.SendAsync($"nets {service}");
        return reply.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(item => item.Split('='))
            .ToDictionary(p => IPNetwork.Parse(p[0]), p => p[1] == "none" ? (double?)null : double.Parse(p[1], CultureInfo.InvariantCulture));
    }

    /// <summary>Sends the knock (one SYN a port, <paramref name="gapMs"/> apart) from a client, to the server's v4 or v6 address.</summary>
    public async Task KnockAsync(TestNetwork.Client client, IEnumerable<int> ports, bool v6 = false, int gapMs = 100)
    {
        var target = v6 ? TestNetwork.ServerV6 : TestNetwork.ServerV4;
        (await AgentProcess.RunToolAsync(client.Namespace, "knock", target.ToString(), string.Join(',', ports), gapMs.ToString(CultureInfo.InvariantCulture)))
            .ThrowIfFailed("knock");
    }

    /// <summary>Whether the client can connect to the server's port (within <paramref name="timeoutMs"/>).</summary>
    public async Task<bool> CanConnectAsync(TestNetwork.Client client, int port, bool v6 = false, int timeoutMs = 1500)
    {
        var target = v6 ? TestNetwork.ServerV6 : TestNetwork.ServerV4;
        var result = await AgentProcess.RunToolAsync(client.Namespace, "connect", target.ToString(), port.ToString(CultureInfo.InvariantCulture), timeoutMs.ToString(CultureInfo.InvariantCulture));
        return result.ExitCode == 0;
    }

    public async ValueTask DisposeAsync()
    {
        await Agent.DisposeAsync();
        await Network.DisposeAsync();
    }
}
