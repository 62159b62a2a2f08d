namespace WebKnock.NetworkTests.Gateway;

/// <summary>
/// The whole-gateway tests run one at a time and after the other collections: each starts the real gateway and
/// measures times, which a 2-core machine busy with other tests would spoil.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GatewayCollection
{
    public const string Name = "Whole gateway in namespaces";
}
