using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Stats.Core.Data;

namespace Stats.Core.Aggregation;

/// <summary>
/// Notices aggregation runs of other instances (the lease lets only one aggregate) by the run history, and publishes
/// them on this instance's <see cref="AggregateChangeNotifier"/>, so that its open panels refresh too.
/// </summary>
public sealed class AggregateChangeWatcher(
    IDbContextFactory<StatsDbContext> contextFactory,
    AggregationRunner runner,
    AggregateChangeNotifier notifier,
    TimeProvider clock,
    ILogger<AggregateChangeWatcher> logger) : PeriodicService(clock, logger)
{
    /// <summary>How often the run history is read: a tiny indexed query.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(10);

    private DateTime? _seen;

    protected override TimeSpan Interval => PollInterval;

    protected override string FailureMessage => "The aggregation history could not be read";

    // Every ten seconds on every instance: an unreachable store is reported loudly elsewhere.
    protected override LogLevel FailureLevel => LogLevel.Debug;

    protected override async Task RunOnceAsync(CancellationToken stoppingToken) => _seen = await PollAsync(_seen, stoppingToken);

    /// <summary>
    /// Publishes a change if another instance finished a run since <paramref name="seen"/> (null: the first look, which
    /// only notes where the history stands) and returns the new mark.
    /// </summary>
    internal async Task<DateTime> PollAsync(DateTime? seen, CancellationToken cancellationToken)
    {
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        var latest = await LatestRunOfOthers(context, runner.Holder).FirstOrDefaultAsync(cancellationToken) ?? DateTime.MinValue;
        if (seen is not null && latest > seen)
        {
            notifier.Publish(new AggregatesChanged(null));
        }

        return latest;
    }

    /// <summary>When another instance last finished a run that wrote aggregates. Exposed for the translation tests.</summary>
    internal static IQueryable<DateTime?> LatestRunOfOthers(StatsDbContext context, string holder) =>
        context.AggregationRuns.Where(r => r.Holder != holder && r.Error == null && r.DaysProcessed > 0)
            .OrderByDescending(r => r.StartedAt)
            .Select(r => r.FinishedAt);
}
