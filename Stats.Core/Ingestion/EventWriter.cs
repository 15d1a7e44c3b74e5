using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Stats.Core.Aggregation;
using Stats.Core.Data;
using Stats.Core.Events;

namespace Stats.Core.Ingestion;

/// <summary>How many events of one batch were stored, and how many were already there.</summary>
public readonly record struct WriteResult(int Stored, int Duplicates);

/// <summary>
/// The single writer of raw events, with group commit: batches that arrive while a transaction is being written
/// are committed together in the next one, so throughput does not depend on how callers batch. A batch's task
/// completes only once its transaction has committed; if the commit fails, the batch fails and nothing of it is
/// acknowledged.
/// </summary>
public sealed class EventWriter : IAsyncDisposable
{
    /// <summary>Events per transaction at most: bounds memory and the time the write lock is held.</summary>
    private const int MaxGroupEvents = 50_000;

    /// <summary>How often a group is tried against other instances' writes before its batches fail (each attempt that loses finds more of their rows).</summary>
    private const int MaxAttemptsAgainstOtherWriters = 5;

    private readonly IDbContextFactory<StatsDbContext> _contextFactory;
    private readonly TimeProvider _clock;
    private readonly ILogger<EventWriter> _logger;
    private readonly StoreWriteHealth? _health;
    private readonly CatalogResolver _catalog = new();
    private readonly Channel<PendingBatch> _queue = Channel.CreateUnbounded<PendingBatch>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;

    public EventWriter(IDbContextFactory<StatsDbContext> contextFactory, TimeProvider clock, ILogger<EventWriter> logger, StoreWriteHealth? health = null)
    {
        _contextFactory = contextFactory;
        _clock = clock;
        _logger = logger;
        _health = health;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Queues a batch (events and their enriched rows, index by index) and completes once it is committed.</summary>
    public Task<WriteResult> WriteAsync(IReadOnlyList<IncomingEvent> events, IReadOnlyList<RawEvent> rows, CancellationToken cancellationToken = default)
    {
        // Here, beside the writer thread: nearly every batch finds all its keys stored, and the writer then resolves none.
        var batch = new PendingBatch(events, rows, _catalog.ResolveStored(events, rows));
        if (!_queue.Writer.TryWrite(batch))
        {
            throw new ObjectDisposedException(nameof(EventWriter), "The event writer is shutting down.");
        }

        // A caller that stops waiting does not withdraw its batch: it may still commit, and a retry with ids is safe.
        return batch.Completion.Task.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        var group = new List<PendingBatch>();
        while (await reader.WaitToReadAsync())
        {
            group.Clear();
            var events = 0;
            while (events < MaxGroupEvents && reader.TryRead(out var batch))
            {
                group.Add(batch);
                events += batch.Rows.Count;
            }

            await CommitGroupAsync(group);
        }
    }

    private async Task CommitGroupAsync(List<PendingBatch> group)
    {
        try
        {
            var results = await CommitRacingAsync(group);
            _health?.Succeeded(StoreWriteHealth.Ingestion);
            for (var i = 0; i < group.Count; i++)
            {
                group[i].Completion.TrySetResult(results[i]);
            }
        }
        catch (Exception ex) when (group.Count > 1)
        {
            // One bad batch must not fail its neighbours: commit them one by one.
            _logger.LogWarning("A group commit of {Batches} batches failed ({Error}); committing them one by one.", group.Count, ex.GetType().Name);
            foreach (var batch in group)
            {
                await CommitGroupAsync([batch]);
            }
        }
        catch (Exception ex)
        {
            _logger.LogError("A batch of {Events} events could not be stored: {Error}", group[0].Rows.Count, ex.GetType().Name + ": " + ex.Message);
            _health?.Failed(StoreWriteHealth.Ingestion, ex);
            group[0].Completion.TrySetException(ex);
        }
    }

    /// <summary>
    /// Commits a group, again when the transaction lost a race with another instance writing to the same store (both
    /// created the same record or day mark, or deadlocked): the next attempt finds what the other one committed.
    /// </summary>
    private async Task<WriteResult[]> CommitRacingAsync(List<PendingBatch> group)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await CommitAsync(group);
            }
            catch (Exception ex) when (attempt < MaxAttemptsAgainstOtherWriters && StoreConflict.IsLostRace(ex))
            {
                _logger.LogInformation("A group commit lost a race with another writer ({Error}); attempt {Attempt} follows.", StoreOutage.Describe(ex), attempt + 1);
                // The rolled-back attempt may have given the rows their store ids (EF does, on SQL Server).
                foreach (var row in group.SelectMany(b => b.Rows))
                {
                    row.Id = 0;
                }

                // Spread the retries of writers that collided, so that they do not collide again in step.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 20) * attempt));
            }
        }
    }

    private async Task<WriteResult[]> CommitAsync(List<PendingBatch> group)
    {
        await using var context = await _contextFactory.CreateDbContextAsync();
        // Before the transaction: a partition is attached in a transaction of its own (PostgreSQL only, ADR-017).
        await RawEventPartitions.EnsureAsync(context, group.SelectMany(b => b.Rows).Select(r => r.Timestamp));
        await using var transaction = await context.Database.BeginTransactionAsync();

        // On SQLite the insert itself leaves out the ids stored already; a group with lifecycle events looks them up
        // first all the same, so that a lifecycle event sent again is never applied again.
        var lookUpStored = context.Provider != DatabaseProvider.Sqlite || group.Any(b => b.Events.Any(e => EventCatalog.IsLifecycle(e.Type)));
        var (keep, results) = await DropDuplicatesAsync(context, group, lookUpStored);
        var rows = new List<RawEvent>(keep.Count);
        // The events whose keys were not all stored when they were queued: the only ones the writer resolves.
        var unresolvedEvents = new List<IncomingEvent>();
        var unresolvedRows = new List<RawEvent>();
        foreach (var (batch, index) in keep)
        {
            rows.Add(batch.Rows[index]);
            if (!batch.KeysResolved[index])
            {
                unresolvedEvents.Add(batch.Events[index]);
                unresolvedRows.Add(batch.Rows[index]);
            }
        }

        var created = unresolvedRows.Count == 0
            ? new CatalogResolver.Additions()
            : await _catalog.ResolveAsync(context, unresolvedEvents, unresolvedRows, CancellationToken.None);
        var storedBefore = await RawEventInserter.InsertAsync(context, rows, CancellationToken.None);
        if (storedBefore.Count > 0)
        {
            rows = CountAsDuplicates(storedBefore, keep, rows, group, results);
        }

        // Every day an event lands on must be aggregated again, however old it is.
        await DirtyDayMarks.MarkAsync(context, DirtyDayMarks.DaysAffectedBy(rows.Select(r => r.Timestamp)), _clock.GetUtcNow().UtcDateTime);
        await transaction.CommitAsync();
        _catalog.Publish(created);
        return results;
    }

    /// <summary>
    /// Keeps the events whose client id (with their timestamp) is neither earlier in the group nor, when
    /// <paramref name="lookUpStored"/>, in the store, and counts per batch what it stores and what it drops.
    /// </summary>
    private static async Task<(List<(PendingBatch Batch, int Index)> Keep, WriteResult[] Results)> DropDuplicatesAsync(
        StatsDbContext context, List<PendingBatch> group, bool lookUpStored)
    {
        var withIds = group.SelectMany(b => b.Rows).Where(r => r.ClientIdHash is not null).ToList();
        var seen = new HashSet<(long, DateTime)>();
        if (lookUpStored && withIds.Count > 0)
        {
            var hashes = withIds.Select(r => r.ClientIdHash!.Value).Distinct().ToList();
            var stored = await StoredClientIds(context, withIds.Min(r => r.Timestamp), withIds.Max(r => r.Timestamp), hashes).ToListAsync();
            seen.UnionWith(stored.Select(s => (s.Hash, s.Timestamp)));
        }

        var keep = new List<(PendingBatch, int)>();
        var results = new WriteResult[group.Count];
        for (var b = 0; b < group.Count; b++)
        {
            var (storedCount, duplicates) = (0, 0);
            var rows = group[b].Rows;
            for (var i = 0; i < rows.Count; i++)
            {
                if (rows[i].ClientIdHash is { } hash && !seen.Add((hash, rows[i].Timestamp)))
                {
                    duplicates++;
                    continue;
                }

                keep.Add((group[b], i));
                storedCount++;
            }

            results[b] = new WriteResult(storedCount, duplicates);
        }

        return (keep, results);
    }

    /// <summary>
    /// Counts the kept rows the insert found stored already (<paramref name="storedBefore"/>, indexes into
    /// <paramref name="rows"/>) as their batches' duplicates, and returns the rows actually inserted.
    /// </summary>
    private static List<RawEvent> CountAsDuplicates(
        IReadOnlyList<int> storedBefore, List<(PendingBatch Batch, int Index)> keep, List<RawEvent> rows, List<PendingBatch> group, WriteResult[] results)
    {
        var skipped = storedBefore.ToHashSet();
        foreach (var i in skipped)
        {
            var b = group.IndexOf(keep[i].Batch);
            results[b] = new WriteResult(results[b].Stored - 1, results[b].Duplicates + 1);
        }

        return [.. rows.Where((_, i) => !skipped.Contains(i))];
    }

    // The writer's queries, one definition each, exposed for the translation tests of every provider.

    // One collection parameter (json_each, OPENJSON, = ANY), not one parameter per hash: a group carries thousands of
    // ids, and a statement with thousands of parameters costs more to build and prepare than the lookups themselves.
    /// <summary>Stored client ids among <paramref name="hashes"/> in a time range: a range read of the (Timestamp, ClientIdHash) index.</summary>
    internal static IQueryable<StoredClientId> StoredClientIds(StatsDbContext context, DateTime from, DateTime to, IReadOnlyCollection<long> hashes) =>
        context.RawEvents
            .Where(e => e.Timestamp >= from && e.Timestamp <= to && e.ClientIdHash != null && EF.Parameter(hashes).Contains(e.ClientIdHash.Value))
            .Select(e => new StoredClientId(e.ClientIdHash!.Value, e.Timestamp));

    internal sealed record StoredClientId(long Hash, DateTime Timestamp);

    /// <param name="KeysResolved">For each row, whether it holds all its catalog keys, from ids committed before it was queued.</param>
    private sealed record PendingBatch(IReadOnlyList<IncomingEvent> Events, IReadOnlyList<RawEvent> Rows, bool[] KeysResolved)
    {
        public TaskCompletionSource<WriteResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
