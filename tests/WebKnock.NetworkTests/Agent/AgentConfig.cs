using System.Text.Json;
using System.Text.Json.Serialization;
using WebKnock.Configuration;
using WebKnock.Firewall.Nftables;

namespace WebKnock.NetworkTests.Agent;

/// <summary>What the agent runs with, handed over as a JSON file.</summary>
public sealed class AgentConfig
{
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public WebKnockOptions WebKnock { get; set; } = new();

    public NftablesOptions Nftables { get; set; } = new();

    public string Save()
    {
        var path = Path.Combine(Path.GetTempPath(), $"wk-agent-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, JsonSerializer.Serialize(this, Json));
        return path;
    }

    public static AgentConfig Load(string path) => JsonSerializer.Deserialize<AgentConfig>(File.ReadAllText(path), Json)
        ?? throw new InvalidOperationException($"{path} holds no configuration.");
}
