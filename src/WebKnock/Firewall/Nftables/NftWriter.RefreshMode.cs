namespace WebKnock.Firewall.Nftables;

/// <summary>Which form of refreshing an element's timeout this kernel supports, found out once at start.</summary>
internal sealed partial class NftWriter
{
    /// <summary>
    /// Whether the kernel replaces an element's timeout (and expiry) when the element is added again, as kernels
    /// since about 6.10 do; then an open is one <c>add</c> instead of add, delete, add. Found out by
    /// <see cref="ProbeRefreshByAddAsync"/>; off until then (the portable form).
    /// </summary>
    public bool RefreshByAdd { get; set; }

    /// <summary>
    /// Finds out whether adding an element again replaces its timeout, on a scratch set in <paramref name="table"/>
    /// that is removed again, and sets <see cref="RefreshByAdd"/>. Any failure leaves the portable form.
    /// </summary>
    public async Task<bool> ProbeRefreshByAddAsync(string table, CancellationToken cancellationToken = default)
    {
        const string Set = "wk_probe_refresh";
        var element = $"inet {table} {Set}";
        try
        {
            await RunAsync($"add set {element} {{ type ipv4_addr; flags dynamic, timeout; size 1; }}\nadd element {element} {{ 192.0.2.0 timeout 3600s }}", cancellationToken: cancellationToken).ConfigureAwait(false);
            await RunAsync($"add element {element} {{ 192.0.2.0 timeout 60s }}", cancellationToken: cancellationToken).ConfigureAwait(false);
            var listed = NftSetListing.Parse(await RunAsync($"list set {element}", json: true, cancellationToken).ConfigureAwait(false));
            RefreshByAdd = listed is [{ Remaining: { } left }] && left <= TimeSpan.FromSeconds(60);
        }
        catch (NftablesException)
        {
            RefreshByAdd = false;
        }
        finally
        {
            try
            {
                await RunAsync($"delete set {element}", cancellationToken: CancellationToken.None).ConfigureAwait(false);
            }
            catch (NftablesException)
            {
                // Not created, or gone with the table.
            }
        }

        return RefreshByAdd;
    }
}
