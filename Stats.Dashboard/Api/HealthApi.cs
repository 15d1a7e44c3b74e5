using Microsoft.AspNetCore.Http.HttpResults;
using Stats.Core.Data;
using Stats.Core.Sources.Amqp;

namespace Stats.Dashboard.Api;

/// <summary>One thing health looked at: <c>healthy</c>, <c>degraded</c> or <c>unhealthy</c>, and why when it is not healthy.</summary>
public sealed record HealthCheck(string Name, string Status, string? Cause);

/// <summary>
/// The health of the store, as seen by a load balancer or an admin: <c>healthy</c>; <c>degraded</c> (200) when it can be
/// read but writes fail or would fail; <c>unhealthy</c> (503) when it cannot be used at all. <see cref="Checks"/> names
/// each check and the cause of what is not healthy.
/// </summary>
public sealed record HealthReport(
    string Status, bool DatabaseReachable, string Provider, IReadOnlyList<string> PendingMigrations, string? Error, IReadOnlyList<HealthCheck> Checks);

public static class HealthApi
{
    public const string Healthy = "healthy";
    public const string Degraded = "degraded";
    public const string Unhealthy = "unhealthy";

    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", GetHealthAsync)
            .WithName("Health")
            .WithTags("Health")
            .WithSummary("200 healthy, or degraded when writes fail (disk full, read-only store: the cause is named) or the queue consumer is not connected; 503 when the store cannot be used (unreachable, migrations pending).");
        return app;
    }

    internal static async Task<Results<Ok<HealthReport>, JsonHttpResult<HealthReport>>> GetHealthAsync(
        StoreMigrator migrator, StatsDbContextFactory contexts, StoreWriteHealth writes, AmqpSourceState queue, CancellationToken cancellationToken)
    {
        var provider = contexts.Provider.ToString();
        string? writability;
        try
        {
            await using (var context = contexts.CreateDbContext())
            {
                if (!await context.Database.CanConnectAsync(cancellationToken))
                {
                    return Unusable(provider, [], "The database cannot be reached.");
                }

                writability = await StoreWritability.ProblemAsync(context, cancellationToken);
            }

            var pending = await migrator.PendingMigrationsAsync(cancellationToken);
            if (pending.Count > 0)
            {
                return Unusable(provider, pending, $"{pending.Count} migration(s) pending: run the 'migrate' verb.", reachable: true);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Unusable(provider, [], ex.GetType().Name + ": " + ex.Message);
        }

        // Readable: what is left to know is whether it can be written, from a look that writes nothing and from what the writers saw.
        List<HealthCheck> checks =
        [
            new("database", Healthy, null),
            new("writable", writability is null ? Healthy : Degraded, writability),
            .. writes.Writers.Select(w => new HealthCheck(
                w.Writer + "-writes",
                w.Degraded ? Degraded : Healthy,
                w.Degraded ? $"the last {w.Writer} write failed at {w.LastFailure:u}: {w.Cause}" : null)),
            // Events wait in the broker while the consumer is away: degraded, not down, since nothing is lost yet.
            .. queue.Enabled
                ? [new HealthCheck("queue", queue.Connected ? Healthy : Degraded, queue.Connected ? null : $"not connected to the queue's broker: {queue.LastError ?? "connecting"}")]
                : Array.Empty<HealthCheck>(),
        ];
        var degraded = checks.Where(c => c.Status != Healthy).ToList();
        return degraded.Count == 0
            ? TypedResults.Ok(new HealthReport(Healthy, true, provider, [], null, checks))
            : TypedResults.Ok(new HealthReport(Degraded, true, provider, [], string.Join("; ", degraded.Select(c => $"{c.Name}: {c.Cause}")), checks));
    }

    private static JsonHttpResult<HealthReport> Unusable(string provider, IReadOnlyList<string> pending, string error, bool reachable = false) =>
        TypedResults.Json(
            new HealthReport(Unhealthy, reachable, provider, pending, error, [new HealthCheck("database", Unhealthy, error)]),
            statusCode: StatusCodes.Status503ServiceUnavailable);
}
