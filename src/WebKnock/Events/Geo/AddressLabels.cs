namespace WebKnock.Events.Geo;

/// <summary>What an address without a country is shown as (the paper's table has "Pvt. IP Address").</summary>
public static class AddressLabels
{
    public const string Private = "private address";
    public const string Loopback = "loopback";
    public const string LinkLocal = "link-local";
    public const string SharedAddress = "shared address (CGNAT)";
    public const string Documentation = "documentation";
    public const string Multicast = "multicast";
    public const string Reserved = "reserved";
}
