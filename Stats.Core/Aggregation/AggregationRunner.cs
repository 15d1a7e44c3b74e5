using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Stats.Core.Data;

namespace Stats.Core.Aggregation;

/// <summary>What one aggregation run did; when another instance held the lease, nothing, and who held it.</summary>
public sealed record AggregationReport(
    bool LeaseAcquired,
    string? LeaseHolder,
    DateTime? LeaseExpiresAt,
    IReadOnlyList<DayReport> Days,
    TimeSpan Elapsed,
    string? Error)
{
    public long Events => Days.Sum(d => d.Events);

    /// <summary>True when the run failed because the store was unavailable (<see cref="StoreOutage"/>): retrying later may succeed.</summary>
    public bool StoreUnavailable { get; init; }
}

/// <summary>
/// Runs the aggregator: takes the lease in the store (so that two instances never aggregate at once), recomputes
/// the dirty days (newest first: today's numbers matter most) or a forced range, and records the run.
/// </summary>
public sealed class AggregationRunner(
    IDbContextFactory<StatsDbContext> contextFactory,
    TimeProvider clock,
    IOptions<AggregationOptions> options,
    AggregationMetrics metrics,
    AggregateChangeNotifier notifier,
    ILogger<AggregationRunner> logger,
    StoreWriteHealth? writeHealth = null) : IDisposable
{
    public const string LeaseName = "aggregator";

    /// <summary>
    /// Days written in one transaction at most, and aggregate rows: a commit writes every page its rows touched, and
    /// rows land all over the key indexes, so fewer and larger commits write much less; the row bound keeps the memory
    /// of a group (~100 MB) and the time it holds the store's write lock (seconds) in check.
    /// </summary>
    private const int MaxGroupDays = 366;

    /// <summary>Aggregate rows a group holds at most; smaller in tests, to see runs of many groups.</summary>
    internal long MaxGroupRows { get; set; } = 1_000_000;

    private readonly SemaphoreSlim _running = new(1, 1);

    /// <summary>This instance, as the lease and the run history name it.</summary>
    public string Holder { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>
    /// Called after each day is computed, before the next is read: lets a test change the store while a run is in
    /// progress (records that appear mid-run) without waiting for time to pass.
    /// </summary>
    internal Func<DateOnly, CancellationToken, Task>? DayComputed { get; set; }

    /// <summary>Recomputes every dirty day.</summary>
    public Task<AggregationReport> RunAsync(CancellationToken cancellationToken = default) => RunAsync(null, cancellationToken);

    /// <summary>Recomputes every day of <paramref name="forced"/> (dirty or not), or every dirty day when it is null.</summary>
    public async Task<AggregationReport> RunAsync((DateOnly From, DateOnly To)? forced, CancellationToken cancellationToken = default)
    {
        // The lease keeps other instances out; within this one (the schedule, the end of the demo seed, a verb), runs queue.
        await _running.WaitAsync(cancellationToken);
        try
        {
            return await RunExclusivelyAsync(forced, cancellationToken);
        }
        finally
        {
            _running.Release();
        }
    }

    public void Dispose() => _running.Dispose();

    private async Task<AggregationReport> RunExclusivelyAsync((DateOnly From, DateOnly To)? forced, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var startedAt = Now;
        try
        {
            await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
            if (!await TryTakeLeaseAsync(context, cancellationToken))
            {
                var lease = await Lease(context).FirstOrDefaultAsync(cancellationToken);
                return new AggregationReport(false, lease?.Holder, lease?.ExpiresAt, [], watch.Elapsed, null);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Taking the lease is a write: failing it is what health reports as writes failing.
            writeHealth?.Failed(StoreWriteHealth.Aggregation, ex);
            throw;
        }

        var days = new List<DayReport>();
        string? error = null;
        var storeUnavailable = false;
        try
        {
            var catalog = new CatalogSnapshot();
            var group = new List<DayWork>();
            // Days are read and counted on one connection while the group before them is written on another: the two
            // halves of a run overlap on two cores, and at most one group waits computed. The writes land on pages all
            // over the aggregate tables' keys: on SQLite the writing connection has a big page cache.
            await using var reading = await contextFactory.CreateDbContextAsync(cancellationToken);
            var writing = await BulkContext.OpenAsync(contextFactory, cancellationToken);
            var written = Task.CompletedTask;
            try
            {
                var toAggregate = await DaysToAggregateAsync(forced, cancellationToken);
                var states = await DailyAggregator.DayStates(reading, [.. toAggregate.Select(d => d.Day)]).ToDictionaryAsync(d => d.Day, cancellationToken);
                foreach (var (day, version) in toAggregate)
                {
                    group.Add(await DailyAggregator.ComputeAsync(reading, catalog, day, version, states.GetValueOrDefault(day), cancellationToken));
                    if (DayComputed is { } dayComputed)
                    {
                        await dayComputed(day, cancellationToken);
                    }

                    if (group.Count >= MaxGroupDays || group.Sum(d => d.Rows) >= MaxGroupRows)
                    {
                        await written;
                        var full = group;
                        group = [];
                        // On a thread of its own: SQLite's statements complete synchronously.
                        written = Task.Run(() => WriteGroupAsync(writing, full, days, cancellationToken), cancellationToken);
                    }
                }

                await written;
                await WriteGroupAsync(writing, group, days, cancellationToken);
            }
            finally
            {
                // A day that failed to compute lets the group being written end (its failure, if any, is not the first).
                await written.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
                await BulkContext.CloseAsync(writing);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            error = ex.GetType().Name + ": " + ex.Message;
            storeUnavailable = StoreOutage.IsOutage(ex);
            metrics.RunFailed();
            writeHealth?.Failed(StoreWriteHealth.Aggregation, ex);
            if (storeUnavailable)
            {
                // Not a bug: the cause is enough, the next run retries.
                logger.LogWarning("Aggregation stopped after {Days} day(s): the store is unavailable ({Error}).", days.Count, StoreOutage.Describe(ex));
            }
            else
            {
                logger.LogError(ex, "Aggregation failed after {Days} day(s).", days.Count);
            }
        }
        finally
        {
            await FinishAsync(startedAt, days, error);
        }

        if (error is null)
        {
            writeHealth?.Succeeded(StoreWriteHealth.Aggregation);
        }

        var result = new AggregationReport(true, Holder, null, days, watch.Elapsed, error) { StoreUnavailable = storeUnavailable };
        if (days.Count > 0)
        {
            notifier.Publish(new AggregatesChanged([.. days.Select(d => d.Day)]));
        }

        return result;
    }

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>Writes computed days together: small days share one commit, a busy day has its own.</summary>
    private async Task WriteGroupAsync(StatsDbContext context, List<DayWork> group, List<DayReport> days, CancellationToken cancellationToken)
    {
        if (group.Count == 0)
        {
            return;
        }

        // Renewed before every write: an instance that stalled past its lease must not write over its successor's work.
        if (!await TryTakeLeaseAsync(context, cancellationToken))
        {
            throw new InvalidOperationException("The aggregation lease was lost (this instance stalled for longer than Stats:Aggregation:LeaseDuration).");
        }

        foreach (var report in await DailyAggregator.WriteAsync(context, group, Now, cancellationToken))
        {
            days.Add(report);
            metrics.DayAggregated(report);
        }

        group.Clear();
    }

    private async Task<List<(DateOnly Day, long? Version)>> DaysToAggregateAsync((DateOnly From, DateOnly To)? forced, CancellationToken cancellationToken)
    {
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        var marks = await DirtyMarks(context).ToListAsync(cancellationToken);
        if (forced is not { } range)
        {
            return [.. marks.Select(m => (m.Day, (long?)m.Version))];
        }

        var versions = marks.ToDictionary(m => m.Day, m => m.Version);
        var days = new List<(DateOnly, long?)>();
        for (var day = range.To; day >= range.From; day = day.AddDays(-1))
        {
            days.Add((day, versions.TryGetValue(day, out var v) ? v : null));
        }

        return days;
    }

    /// <summary>Takes the lease, or renews it when this instance holds it; false when another instance holds it.</summary>
    private Task<bool> TryTakeLeaseAsync(StatsDbContext context, CancellationToken cancellationToken) =>
        StoreLease.TryTakeAsync(context, LeaseName, Holder, Now, options.Value.LeaseDuration, cancellationToken);

    /// <summary>Records the run (when it did something or failed), releases the lease and trims the run history.</summary>
    private async Task FinishAsync(DateTime startedAt, List<DayReport> days, string? error)
    {
        try
        {
            await using var context = await contextFactory.CreateDbContextAsync(CancellationToken.None);
            var now = Now;
            if (days.Count > 0 || error is not null)
            {
                context.AggregationRuns.Add(new AggregationRun
                {
                    Holder = Holder,
                    StartedAt = startedAt,
                    FinishedAt = now,
                    DaysProcessed = days.Count,
                    EventsProcessed = days.Sum(d => d.Events),
                    Error = error is { Length: > 2000 } ? error[..2000] : error,
                });
                await context.SaveChangesAsync(CancellationToken.None);
                var horizon = now - options.Value.RunHistory;
                await context.AggregationRuns.Where(r => r.StartedAt < horizon).ExecuteDeleteAsync(CancellationToken.None);
            }

            await StoreLease.ReleaseAsync(context, LeaseName, Holder, now, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The lease lapses by itself; the next run records itself.
            logger.LogWarning("The aggregation run could not be recorded: {Error}", ex.GetType().Name + ": " + ex.Message);
        }
    }

    // The runner's queries, exposed for the translation tests of every provider.

    internal static IQueryable<DirtyDay> DirtyMarks(StatsDbContext context) =>
        context.DirtyDays.AsNoTracking().OrderByDescending(d => d.Day);

    internal static IQueryable<AggregationLease> Lease(StatsDbContext context) => StoreLease.Named(context, LeaseName);
}
