using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Stats.Core.Data;
using Stats.Core.Sources.Amqp;
using Stats.Core.Sources.Catalog;

namespace Stats.Core.Aggregation;

/// <summary>A finished aggregation run.</summary>
public sealed record RunSummary(DateTime StartedAt, DateTime? FinishedAt, string Holder, int Days, long Events, string? Error)
{
    public TimeSpan? Duration => FinishedAt - StartedAt;
}

/// <summary>What waits for the aggregator: dirty days, the events written to them, and since when.</summary>
public sealed record Backlog(int Days, long Events, DateOnly? OldestDay, DateTime? WaitingSince, TimeSpan? Age);

/// <summary>The pipeline's health as admins see it ("counters frozen" must be visible, docs/domain/aggregation.md#pipeline-health).</summary>
public sealed record PipelineStatus(
    DateTime CheckedAt,
    RunSummary? LastRun,
    RunSummary? LastSuccess,
    RunSummary? LastFailure,
    Backlog Backlog,
    string? LeaseHolder,
    DateTime? LeaseExpiresAt,
    int AggregatedDays,
    PipelineSources Sources);

/// <summary>
/// Where events and the catalog come from besides the API: invenio-stats' queue (<see cref="Queue"/>, null when the
/// consumer is off) and each catalog source (<see cref="Catalog"/>).
/// </summary>
public sealed record PipelineSources(QueueSourceStatus? Queue, IReadOnlyList<CatalogSourceStatus> Catalog);

/// <summary>Reads the pipeline's state from the store.</summary>
public sealed class PipelineMonitor(
    IDbContextFactory<StatsDbContext> contextFactory,
    TimeProvider clock,
    AggregationMetrics metrics,
    AmqpSourceState? queue = null,
    IOptions<AmqpOptions>? queueOptions = null,
    IOptions<CatalogSyncOptions>? catalogSources = null)
{
    public async Task<PipelineStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var lastRun = await Runs(context, failed: null).FirstOrDefaultAsync(cancellationToken);
        var lastSuccess = await Runs(context, failed: false).FirstOrDefaultAsync(cancellationToken);
        var lastFailure = await Runs(context, failed: true).FirstOrDefaultAsync(cancellationToken);
        var backlog = await BacklogAsync(context, now, cancellationToken);
        var lease = await AggregationRunner.Lease(context).FirstOrDefaultAsync(cancellationToken);
        var aggregatedDays = await context.AggregatedDays.CountAsync(cancellationToken);
        var status = new PipelineStatus(
            now,
            lastRun,
            lastSuccess,
            lastFailure,
            backlog,
            lease is not null && lease.ExpiresAt > now ? lease.Holder : null,
            lease is not null && lease.ExpiresAt > now ? lease.ExpiresAt : null,
            aggregatedDays,
            new PipelineSources(
                await QueueAsync(context, cancellationToken),
                await CatalogSourceStatuses.ReadAsync(context, catalogSources?.Value.Sources ?? [], cancellationToken)));
        metrics.Observe(status);
        return status;
    }

    private async Task<QueueSourceStatus?> QueueAsync(StatsDbContext context, CancellationToken cancellationToken)
    {
        if (queue is not { Enabled: true } || queueOptions?.Value is not { } settings)
        {
            return null;
        }

        return queue.Snapshot(settings.Broker, settings.Queue, await context.HeldEvents.LongCountAsync(cancellationToken));
    }

    /// <summary>The dirty days: a handful of rows, read with a few aggregate queries.</summary>
    private static async Task<Backlog> BacklogAsync(StatsDbContext context, DateTime now, CancellationToken cancellationToken)
    {
        var days = await context.DirtyDays.CountAsync(cancellationToken);
        if (days == 0)
        {
            return new Backlog(0, 0, null, null, null);
        }

        var events = await context.DirtyDays.SumAsync(d => d.PendingEvents, cancellationToken);
        var oldest = await context.DirtyDays.MinAsync(d => d.Day, cancellationToken);
        var since = await context.DirtyDays.MinAsync(d => d.MarkedAt, cancellationToken);
        return new Backlog(days, events, oldest, since, now - since);
    }

    // The monitor's queries, exposed for the translation tests of every provider.

    /// <summary>Runs, latest first: all of them, or only the failed or the successful ones.</summary>
    internal static IQueryable<RunSummary> Runs(StatsDbContext context, bool? failed) =>
        context.AggregationRuns.Where(r => failed == null || (failed == true ? r.Error != null : r.Error == null))
            .OrderByDescending(r => r.StartedAt)
            .Select(r => new RunSummary(r.StartedAt, r.FinishedAt, r.Holder, r.DaysProcessed, r.EventsProcessed, r.Error));

}
