using System.Text.Json.Serialization;

namespace WebKnock.Gateway;

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(GatewayStatus))]
[JsonSerializable(typeof(TokenResponse))]
internal sealed partial class GatewayJson : JsonSerializerContext;
