namespace WebKnock.NetworkTests.Agent;

/// <summary>
/// This assembly runs twice: as xunit tests in the root namespace, and as an agent inside a test namespace
/// (<c>ip netns exec NAME dotnet WebKnock.NetworkTests.dll agent CONFIG</c>), where the firewall code under test
/// must run so that its sockets belong to that namespace. A whole process in the namespace is the only safe
/// way: setns(2) on a thread would leave any socket opened later on another thread in the root namespace.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0)
        {
            await Console.Error.WriteLineAsync("usage: agent CONFIG | syn HOST PORT COUNT | knock HOST PORTS GAP_MS | connect HOST PORT TIMEOUT_MS | hold HOST PORT PATH MAX_MS | synburst HOST PORT COUNT | relay LISTEN TARGET | serve HOST PORT DIR | knockfrom HOST PORTS SOURCE_PORTS GAP_MS HOLD_MS");
            return 2;
        }

        return args[0] switch
        {
            "agent" => await FirewallAgent.RunAsync(args[1]),
            "syn" => await ClientTools.SynAsync(args[1], int.Parse(args[2]), int.Parse(args[3])),
            "knock" => await ClientTools.KnockAsync(args[1], args[2].Split(',').Select(int.Parse).ToArray(), int.Parse(args[3])),
            "connect" => await ClientTools.ConnectAsync(args[1], int.Parse(args[2]), int.Parse(args[3]), args.Length > 4 ? int.Parse(args[4]) : 0),
            "knockfrom" => await ClientTools.KnockFromAsync(args[1], Ports(args[2]), Ports(args[3]), int.Parse(args[4]), int.Parse(args[5])),
            "synburst" => await SynBurstTool.RunAsync(args[1], int.Parse(args[2]), int.Parse(args[3])),
            "hold" => await HoldTool.RunAsync(args[1], int.Parse(args[2]), args[3], int.Parse(args[4])),
            "relay" => await SocketRelay.RunAsync(args[1], args[2]),
            "serve" => await StaticSiteTool.RunAsync(args[1], int.Parse(args[2]), args[3]),
            _ => 2,
        };
    }

    private static int[] Ports(string list) => [.. list.Split(',').Select(int.Parse)];
}
