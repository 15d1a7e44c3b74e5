using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Stats.Core.Aggregation;
using Stats.Core.Data;
using Stats.Core.Demo;
using Stats.Core.Queries;
using Stats.Dashboard.Components.Panels;

namespace Stats.Dashboard;

/// <summary>
/// What the dashboard does before it serves: migrate the store, on a fresh embedded store seed demo data, and start loading
/// the Overview's period sums, so that the first Overview of the day is not the one that waits for them.
/// </summary>
public sealed class StartupTasks(
    StoreMigrator migrator,
    IDbContextFactory<StatsDbContext> contextFactory,
    DemoSeeder seeder,
    AggregationRunner aggregator,
    PeriodSums sums,
    TimeProvider clock,
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
            WarmOverviewSums();
            return;
        }

        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        if (await context.RawEvents.AnyAsync(cancellationToken) || await context.Records.AnyAsync(cancellationToken))
        {
            WarmOverviewSums();
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
                    WarmOverviewSums();
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

    /// <summary>The blocks of the Overview's default period and of its last 12 months, loaded in the background.</summary>
    private void WarmOverviewSums()
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        sums.StartWarming(
            PanelPeriod.Default.Resolve(today).ToPeriod(), PanelPeriod.Of(PeriodPreset.Last12Months).Resolve(today).ToPeriod());
    }
}
