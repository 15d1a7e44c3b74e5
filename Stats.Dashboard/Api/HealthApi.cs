using Microsoft.AspNetCore.Http.HttpResults;
using Stats.Core.Data;

namespace Stats.Dashboard.Api;

/// <summary>The health of the store, as seen by a load balancer or an admin.</summary>
public sealed record HealthReport(string Status, bool DatabaseReachable, string Provider, IReadOnlyList<string> PendingMigrations, string? Error);

public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", GetHealthAsync)
            .WithName("Health")
            .WithTags("Health")
            .WithSummary("Database reachable and schema up to date: 200 when healthy, 503 otherwise.");
        return app;
    }

    internal static async Task<Results<Ok<HealthReport>, JsonHttpResult<HealthReport>>> GetHealthAsync(
        StoreMigrator migrator, StatsDbContextFactory contexts, CancellationToken cancellationToken)
    {
        var provider = contexts.Provider.ToString();
        try
        {
            await using (var context = contexts.CreateDbContext())
            {
                if (!await context.Database.CanConnectAsync(cancellationToken))
                {
                    return Unhealthy(new HealthReport("unhealthy", false, provider, [], "The database cannot be reached."));
                }
            }

            var pending = await migrator.PendingMigrationsAsync(cancellationToken);
            return pending.Count == 0
                ? TypedResults.Ok(new HealthReport("healthy", true, provider, pending, null))
                : Unhealthy(new HealthReport("unhealthy", true, provider, pending, $"{pending.Count} migration(s) pending: run the 'migrate' verb."));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Unhealthy(new HealthReport("unhealthy", false, provider, [], ex.GetType().Name + ": " + ex.Message));
        }
    }

    private static JsonHttpResult<HealthReport> Unhealthy(HealthReport report) =>
        TypedResults.Json(report, statusCode: StatusCodes.Status503ServiceUnavailable);
}
