using Microsoft.AspNetCore.Antiforgery;
using WebKnock.Gateway;
using WebKnock.Knocking;
using WebKnock.Proxy.Gate;
using WebKnock.Webmail;
using WebKnock.Windows;

namespace Microsoft.AspNetCore.Builder;

/// <summary>The gateway's own endpoints under its path prefix: status, anti-forgery token, extend.</summary>
internal static partial class GatewayEndpoints
{
    public const string TokenHeader = "X-WebKnock-Token";

    public static IEndpointRouteBuilder MapGatewayEndpoints(this IEndpointRouteBuilder app, string prefix)
    {
        var group = app.MapGroup(prefix.TrimEnd('/'));

        group.MapGet("/status", (HttpContext context, AccessWindowManager windows, SessionTracker sessions, TimeProvider time) =>
            Results.Json(GatewayStatus.For(context.ClientAddress(), windows, sessions, time), GatewayJson.Default.GatewayStatus))
            .DisableAntiforgery();

        group.MapGet("/token", (HttpContext context, IAntiforgery antiforgery) =>
        {
            if (!context.Request.IsHttps)
            {
                return HttpsOnly(); // the anti-forgery cookie is Secure: the antiforgery system refuses plain HTTP
            }

            var tokens = antiforgery.GetAndStoreTokens(context);
            context.Response.Headers.CacheControl = "no-store";
            return Results.Json(new TokenResponse(tokens.RequestToken!, TokenHeader), GatewayJson.Default.TokenResponse);
        });

        group.MapPost("/extend", ExtendAsync).DisableAntiforgery(); // validated explicitly, to answer 400 before 403

        // Nothing else under the prefix reaches the upstream.
        group.Map("/{**rest}", () => Results.NotFound());
        return app;
    }

    private static async Task<IResult> ExtendAsync(
        HttpContext context,
        IAntiforgery antiforgery,
        AccessWindowManager windows,
        SessionTracker sessions,
        TimeProvider time,
        ILoggerFactory loggers)
    {
        if (!context.Request.IsHttps)
        {
            return HttpsOnly();
        }

        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return Results.BadRequest(new { error = "Missing or invalid anti-forgery token." });
        }

        var address = context.ClientAddress();
        if (sessions.LiveCount(address) == 0)
        {
            ExtendRefused(loggers.CreateLogger(typeof(GatewayEndpoints)), address);
            return Results.Json(new { error = "Only an address with a live webmail session may extend." }, statusCode: StatusCodes.Status403Forbidden);
        }

        if (await windows.ExtendAsync(ServiceNames.Webmail, address, context.RequestAborted) is null)
        {
            return Results.Json(new { error = "No open window." }, statusCode: StatusCodes.Status403Forbidden);
        }

        return Results.Json(GatewayStatus.For(address, windows, sessions, time), GatewayJson.Default.GatewayStatus);
    }

    private static IResult HttpsOnly() => Results.BadRequest(new { error = "Only over HTTPS." });

    [LoggerMessage(5000, LogLevel.Warning, "Extension refused for {Address}: no live webmail session")]
    private static partial void ExtendRefused(ILogger logger, System.Net.IPAddress address);
}
