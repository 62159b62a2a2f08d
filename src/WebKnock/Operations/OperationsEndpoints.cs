using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using WebKnock.Configuration;
using WebKnock.Operations;
using WebKnock.Proxy.Gate;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// <c>/metrics</c> and <c>/healthz</c> (paths from <c>WebKnock:Operations</c>), answered by the gateway itself, never
/// proxied, and only to addresses in <c>WebKnock:Operations:Networks</c>. Those reach the two paths through the gate
/// without a window (a <see cref="GateExemption"/>); anybody else who gets past the gate (with a window) gets 404.
/// </summary>
internal static class OperationsEndpoints
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static IEndpointRouteBuilder MapOperationsEndpoints(this IEndpointRouteBuilder app)
    {
        var options = app.ServiceProvider.GetRequiredService<IOptions<OperationsOptions>>().Value;
        if (!options.Enabled)
        {
            return app;
        }

        var networks = NetworkList.Parse(options.Networks);
        app.MapGet(options.MetricsPath, (HttpContext context, MetricsScrape scrape) =>
        {
            context.Response.Headers.CacheControl = "no-store";
            return Results.Text(scrape.Scrape(), ContentType);
        }).AddEndpointFilter(OnlyFrom(networks));

        app.MapGet(options.HealthPath, async (HttpContext context, HealthCheckService health) =>
        {
            var report = await health.CheckHealthAsync(context.RequestAborted);
            context.Response.Headers.CacheControl = "no-store";
            return Results.Json(HealthBody.From(report), HealthJson.Default.HealthBody,
                statusCode: report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK);
        }).AddEndpointFilter(OnlyFrom(networks));
        return app;
    }

    private static Func<EndpointFilterInvocationContext, EndpointFilterDelegate, ValueTask<object?>> OnlyFrom(NetworkList networks)
        => (context, next) => networks.Contains(context.HttpContext.ClientAddress())
            ? next(context)
            : ValueTask.FromResult<object?>(Results.NotFound());
}

/// <summary>The body of <c>/healthz</c>: the overall status and every check.</summary>
internal sealed record HealthBody(string Status, IReadOnlyList<HealthCheckEntry> Checks)
{
    public static HealthBody From(HealthReport report) => new(
        Name(report.Status, "healthy", "degraded", "unhealthy"),
        [.. report.Entries.Select(e => new HealthCheckEntry(
            e.Key,
            Name(e.Value.Status, "ok", "degraded", "failed"),
            e.Value.Description ?? e.Value.Exception?.Message ?? "",
            Math.Round(e.Value.Duration.TotalMilliseconds, 1),
            e.Value.Data.Count == 0 ? null : e.Value.Data.ToDictionary(d => d.Key, d => Convert.ToInt64(d.Value, System.Globalization.CultureInfo.InvariantCulture))))]);

    // Degraded (a set nearly full) still serves: 200, but named so that a monitor sees it.
    private static string Name(HealthStatus status, string healthy, string degraded, string unhealthy)
        => status switch { HealthStatus.Healthy => healthy, HealthStatus.Degraded => degraded, _ => unhealthy };
}

internal sealed record HealthCheckEntry(string Name, string Status, string Detail, double DurationMs, IReadOnlyDictionary<string, long>? Data);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
[System.Text.Json.Serialization.JsonSerializable(typeof(HealthBody))]
internal sealed partial class HealthJson : System.Text.Json.Serialization.JsonSerializerContext;
