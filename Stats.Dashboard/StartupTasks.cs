using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Stats.Core.Aggregation;
using Stats.Core.Data;
using Stats.Core.Demo;

namespace Stats.Dashboard;

/// <summary>What the dashboard does before it serves: migrate the store, and on a fresh embedded store, seed demo data.</summary>
public sealed class StartupTasks(
    StoreMigrator migrator,
    IDbContextFactory<StatsDbContext> contextFactory,
    DemoSeeder seeder,
    AggregationRunner aggregator,
    IOptions<DatabaseOptions> database,
    IOptions<DemoDataOptions> demo,
    IHostEnvironment environment,
    ILogger<StartupTasks> logger)
{
    /// <summary>The background demo seed and its aggregation, when one runs (tests wait for it).</summary>
    public Task DemoSeed { get; private set; } = Task.CompletedTask;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (database.Value.MigrateOnStart)
        {
            await migrator.MigrateAsync(cancellationToken);
        }

        if (!demo.Value.SeedWhenEmpty || !environment.IsDevelopment() || database.Value.GetProvider() != DatabaseProvider.Sqlite)
        {
            return;
        }

        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        if (await context.RawEvents.AnyAsync(cancellationToken) || await context.Records.AnyAsync(cancellationToken))
        {
            return;
        }

        // In the background, so that the URL shows at once; the newest days come first, so the Overview fills quickly.
        logger.LogInformation("The store is empty: seeding {Days} days of demo data for {Records} records in the background.", demo.Value.Days, demo.Value.Records);
        DemoSeed = Task.Run(
            async () =>
            {
                try
                {
                    var result = await seeder.SeedAsync(new DemoOptions { Days = demo.Value.Days, Records = demo.Value.Records }, cancellationToken);
                    // The background aggregator has been counting the newest days meanwhile; this finishes the rest now.
                    var aggregated = await aggregator.RunAsync(cancellationToken);
                    logger.LogInformation(
                        "Demo data ready: {Events} events for {Records} records in {Seconds:F1} s; {Days} day(s) aggregated at the end.",
                        result.Events, result.Records, result.Elapsed.TotalSeconds, aggregated.Days.Count);
                }
                catch (OperationCanceledException)
                {
                    logger.LogInformation("Demo seeding stopped with the dashboard.");
                }
                catch (Exception ex)
                {
                    // In the background nobody awaits this task: say what went wrong, or the dashboard just stays empty.
                    logger.LogError(ex, "Demo seeding failed; run 'seed-demo' to try again.");
                    throw;
                }
            },
            cancellationToken);
    }
}
