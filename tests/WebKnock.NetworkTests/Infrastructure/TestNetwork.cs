using System.Net;

namespace WebKnock.NetworkTests.Infrastructure;

/// <summary>
/// A server namespace and client namespaces on one link, addressed only from the documentation ranges:
/// the server is 192.0.2.1 and 2001:db8::1 on a bridge; client i (0-based) is 192.0.2.(10+i) and
/// 2001:db8::(10+i), each on its own veth pair into the bridge. Nothing is routed anywhere else.
/// </summary>
public sealed class TestNetwork : IAsyncDisposable
{
    public static readonly IPAddress ServerV4 = IPAddress.Parse("192.0.2.1");
    public static readonly IPAddress ServerV6 = IPAddress.Parse("2001:db8::1");

    private TestNetwork(NetworkNamespace server, IReadOnlyList<Client> clients)
    {
        Server = server;
        Clients = clients;
    }

    public NetworkNamespace Server { get; }

    public IReadOnlyList<Client> Clients { get; }

    /// <summary>Client A.</summary>
    public Client A => Clients[0];

    /// <summary>Client B (when made with two clients or more).</summary>
    public Client B => Clients[1];

    public sealed record Client(NetworkNamespace Namespace, IPAddress V4, IPAddress V6);

    public static async Task<TestNetwork> CreateAsync(int clients = 1)
    {
        var server = await NetworkNamespace.CreateAsync("srv");
        var made = new List<Client>();
        try
        {
            await server.ExecAsync("ip", "link", "add", "br0", "type", "bridge");
            await server.ExecAsync("ip", "addr", "add", "192.0.2.1/24", "dev", "br0");
            await server.ExecAsync("ip", "-6", "addr", "add", "2001:db8::1/64", "dev", "br0", "nodad");
            await server.ExecAsync("ip", "link", "set", "br0", "up");
            for (var i = 0; i < clients; i++)
            {
                var ns = await NetworkNamespace.CreateAsync($"c{i}");
                made.Add(new Client(ns, IPAddress.Parse($"192.0.2.{10 + i}"), IPAddress.Parse($"2001:db8::{10 + i}")));

                // Both ends are made in the server namespace (names there are private), then one end moves.
                await server.ExecAsync("ip", "link", "add", $"veth{i}", "type", "veth", "peer", "name", $"peer{i}");
                await server.ExecAsync("ip", "link", "set", $"peer{i}", "netns", ns.Name);
                await server.ExecAsync("ip", "link", "set", $"veth{i}", "master", "br0");
                await server.ExecAsync("ip", "link", "set", $"veth{i}", "up");
                await ns.ExecAsync("ip", "link", "set", $"peer{i}", "name", "eth0");
                await ns.ExecAsync("ip", "addr", "add", $"192.0.2.{10 + i}/24", "dev", "eth0");
                await ns.ExecAsync("ip", "-6", "addr", "add", $"2001:db8::{10 + i}/64", "dev", "eth0", "nodad");
                await ns.ExecAsync("ip", "link", "set", "eth0", "up");
            }

            return new TestNetwork(server, made);
        }
        catch
        {
            foreach (var client in made)
            {
                await client.Namespace.DisposeAsync();
            }

            await server.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in Clients)
        {
            await client.Namespace.DisposeAsync();
        }

        await Server.DisposeAsync();
    }
}
