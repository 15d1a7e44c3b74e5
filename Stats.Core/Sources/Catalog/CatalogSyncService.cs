using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Stats.Core.Sources.Catalog;

/// <summary>Looks every <see cref="CatalogSyncOptions.CheckInterval"/> for catalog sources that are due, and syncs them.</summary>
public sealed class CatalogSyncService(
    CatalogSyncRunner runner,
    IOptions<CatalogSyncOptions> options,
    TimeProvider clock,
    ILogger<CatalogSyncService> logger) : PeriodicService(clock, logger)
{
    protected override TimeSpan Interval => options.Value.CheckInterval;

    // The runner records each source's failures; this is the store being unreachable.
    protected override string FailureMessage => "Catalog sync could not run";

    protected override string? OffBecause => options.Value.Sources.Count > 0 ? null : "No catalog source to sync (Stats:Sources:Catalog is empty).";

    protected override async Task RunOnceAsync(CancellationToken stoppingToken)
    {
        foreach (var report in await runner.SyncDueAsync(stoppingToken))
        {
            if (report.LeaseAcquired && report.Error is null && report.Seen > 0)
            {
                logger.LogInformation("Catalog source {Source}: {Seen} record(s) read, {Changed} changed, {Deleted} deleted, {Skipped} skipped in {Seconds:F1} s.",
                    report.Source, report.Seen, report.Changed, report.Deleted, report.Skipped, report.Elapsed.TotalSeconds);
            }
        }
    }
}
