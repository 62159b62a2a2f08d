using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using WebKnock.Configuration;
using WebKnock.Events;
using WebKnock.Firewall.Nftables;
using WebKnock.Knocking.Nflog;

namespace WebKnock.Operations;

/// <summary>
/// WebKnock's table is in the kernel (nftables backend: its input chain lists). A table that something flushed fails
/// here until the watchdog has loaded it again. The in-memory backend has nothing to check.
/// </summary>
internal sealed class FirewallHealthCheck(IServiceProvider services, IOptions<WebKnockOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (options.Value.Firewall.Backend != "Nftables")
        {
            return HealthCheckResult.Healthy("in-memory backend: nothing in the kernel to check");
        }

        var firewall = services.GetRequiredService<NftablesFirewall>();
        if (!firewall.IsInitialized)
        {
            return HealthCheckResult.Unhealthy($"table inet {firewall.Table} not loaded yet");
        }

        return await firewall.TableExistsAsync(cancellationToken)
            ? HealthCheckResult.Healthy($"table inet {firewall.Table} present")
            : HealthCheckResult.Unhealthy($"table inet {firewall.Table} missing (the watchdog loads it again)");
    }
}

/// <summary>
/// No set of WebKnock's table is 90 % full or more (nftables backend): a full knock-state set stops knocks, a full
/// allowed set stops windows. Degraded, not unhealthy: what is open stays open.
/// </summary>
internal sealed class FirewallSetsHealthCheck(IServiceProvider services, IOptions<WebKnockOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (options.Value.Firewall.Backend != "Nftables")
        {
            return Task.FromResult(HealthCheckResult.Healthy("n/a: in-memory backend"));
        }

        var monitor = services.GetRequiredService<NftablesSetMonitor>();
        if (monitor.LastRead is null)
        {
            return Task.FromResult(HealthCheckResult.Healthy("set fill not read yet"));
        }

        var full = monitor.Sets.Where(s => s.IsNearlyFull).OrderByDescending(s => s.Ratio).ToList();
        var data = full.ToDictionary(s => s.Set, s => (object)(long)s.Elements);
        return Task.FromResult(full.Count == 0
            ? HealthCheckResult.Healthy($"every set below {NftSetFill.NearlyFull:P0} full")
            : HealthCheckResult.Degraded($"{full.Count} sets at least {NftSetFill.NearlyFull:P0} full: {string.Join(", ", full.Select(s => $"{s.Set} {s.Elements}/{s.Size}"))}", data: data));
    }
}

/// <summary>The NFLOG reader holds its group and waits on it (nftables backend only).</summary>
internal sealed class NflogHealthCheck(IServiceProvider services, IOptions<WebKnockOptions> options, TimeProvider time) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (options.Value.Firewall.Backend != "Nftables")
        {
            return Task.FromResult(HealthCheckResult.Healthy("n/a: in-memory backend, knocks are not read from the kernel"));
        }

        var reader = services.GetRequiredService<NflogKnockSource>();
        var group = options.Value.Firewall.NflogGroup;
        var last = reader.LastRead is { } at ? $"{(time.GetUtcNow() - at).TotalSeconds:F0} s ago" : "never";
        var data = new Dictionary<string, object>
        {
            ["group"] = group,
            ["received"] = reader.Received,
            ["overruns"] = reader.Overruns,
            ["lost"] = reader.Lost,
            ["malformed"] = reader.Malformed,
        };
        return Task.FromResult(reader.IsReading
            ? HealthCheckResult.Healthy($"reading NFLOG group {group}; last datagram or bind {last}", data)
            : HealthCheckResult.Unhealthy($"not reading NFLOG group {group} (starting, or retrying after a failure); last datagram or bind {last}", data: data));
    }
}

/// <summary>A TCP connection to the webmail upstream (<c>WebKnock:Upstream:Url</c>) is made.</summary>
internal sealed class UpstreamHealthCheck(IOptions<WebKnockOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var uri = new Uri(options.Value.Upstream.Url);
        var watch = Stopwatch.StartNew();
        try
        {
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(uri.IdnHost, uri.Port, cancellationToken);
            return HealthCheckResult.Healthy($"connected to {uri.Authority} in {watch.ElapsedMilliseconds} ms");
        }
        catch (SocketException e)
        {
            return HealthCheckResult.Unhealthy($"cannot connect to {uri.Authority}: {e.SocketErrorCode}");
        }
    }
}

/// <summary>
/// The event store's file takes a write: a fresh connection (never one of the pool, which may hold a file deleted
/// since) begins a write transaction, inserts a row and rolls back. Also reports the writer's failed batches.
/// </summary>
internal sealed class EventStoreHealthCheck(EventStore store, EventWriter writer, TimeProvider time) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = store.FilePath,
            Mode = SqliteOpenMode.ReadWrite, // a missing file is a failure, not a new empty store
            Pooling = false,
            DefaultTimeout = 2,
        }.ToString();
        var data = new Dictionary<string, object> { ["written"] = writer.Written, ["lost"] = writer.Lost };
        try
        {
            // Microsoft.Data.Sqlite is synchronous underneath: off the request thread, abandoned at the timeout.
            await Task.Run(() => TryWrite(connectionString), cancellationToken).WaitAsync(cancellationToken);
            return HealthCheckResult.Healthy($"{store.FilePath} takes writes", data);
        }
        catch (SqliteException e)
        {
            return HealthCheckResult.Unhealthy($"{store.FilePath} does not take writes: {e.Message}", data: data);
        }
    }

    private void TryWrite(string connectionString)
    {
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var transaction = connection.BeginTransaction(deferred: false);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO events (at, type, detail) VALUES ($at, 0, 'health check');";
        command.Parameters.AddWithValue("$at", time.GetUtcNow().ToUnixTimeMilliseconds());
        command.ExecuteNonQuery();
        transaction.Rollback();
    }
}
