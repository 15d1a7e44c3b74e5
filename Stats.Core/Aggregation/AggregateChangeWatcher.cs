using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Stats.Core.Data;
using Stats.Core.Import.Aggregates;

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
    /// only notes where the history stands) and returns the new mark. The change names the days those runs aggregated
    /// (their <see cref="AggregatedDay.AggregatedAt"/> is not before the earliest run's start, on that instance's clock),
    /// or none when one of the runs was an import of aggregates, whose days the history does not keep.
    /// </summary>
    internal async Task<DateTime> PollAsync(DateTime? seen, CancellationToken cancellationToken)
    {
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        var latest = await LatestRunOfOthers(context, runner.Holder).FirstOrDefaultAsync(cancellationToken) ?? DateTime.MinValue;
        if (seen is { } since && latest > since)
        {
            var runs = await RunsOfOthersSince(context, runner.Holder, since).ToListAsync(cancellationToken);
            IReadOnlyList<DateOnly>? days = runs.Count == 0 || runs.Any(r => r.Holder.StartsWith(ImportedAggregateWriter.HolderPrefix, StringComparison.Ordinal))
                ? null
                : await DaysAggregatedSince(context, runs.Min(r => r.StartedAt)).ToListAsync(cancellationToken);
            notifier.Publish(new AggregatesChanged(days));
        }

        return latest;
    }

    /// <summary>When another instance last finished a run that wrote aggregates. Exposed for the translation tests.</summary>
    internal static IQueryable<DateTime?> LatestRunOfOthers(StatsDbContext context, string holder) =>
        OthersRuns(context, holder)
            .OrderByDescending(r => r.StartedAt)
            .Select(r => r.FinishedAt);

    /// <summary>Who ran, and when it started, the runs of other instances that finished after a moment.</summary>
    internal static IQueryable<RunStart> RunsOfOthersSince(StatsDbContext context, string holder, DateTime since) =>
        OthersRuns(context, holder).Where(r => r.FinishedAt > since).Select(r => new RunStart(r.Holder, r.StartedAt));

    /// <summary>The days aggregated at or after a moment.</summary>
    internal static IQueryable<DateOnly> DaysAggregatedSince(StatsDbContext context, DateTime since) =>
        context.AggregatedDays.Where(d => d.AggregatedAt >= since).Select(d => d.Day);

    private static IQueryable<AggregationRun> OthersRuns(StatsDbContext context, string holder) =>
        context.AggregationRuns.Where(r => r.Holder != holder && r.Error == null && r.DaysProcessed > 0);

    internal sealed record RunStart(string Holder, DateTime StartedAt);
}
