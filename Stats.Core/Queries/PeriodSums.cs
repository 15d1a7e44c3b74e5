using System.Buffers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Stats.Core.Aggregation;
using Stats.Core.Data;

namespace Stats.Core.Queries;

/// <summary>
/// Per-key sums of blocks of days kept in memory (Matomo's archives): for every record, and for every country of the
/// repository, the sums of one calendar month or of one day, read once from the daily aggregates and reused. A period is
/// its whole months' blocks plus its edge days' blocks, so the Overview's 12 months read a few dozen blocks instead of every
/// record-day (docs/decisions/ADR-018-period-sums.md). A block is dropped when a day it covers is rewritten
/// (<see cref="AggregateChangeNotifier"/>), and the least recently used go when the blocks outgrow
/// <see cref="QueryLimits.PeriodSumsMegabytes"/>.
/// </summary>
public sealed class PeriodSums : IDisposable
{
    /// <summary>The longest period answered from blocks; longer ones (and open ones) are read by the database.</summary>
    public const int MaxDays = 3 * 366;

    /// <summary>At most this many blocks are read from the store at once (a cold 12 months is about 40).</summary>
    private const int ParallelLoads = 4;

    private const int RecordWidth = 5;
    private const int CountryWidth = 4;

    private readonly IDbContextFactory<StatsDbContext> _contexts;
    private readonly long _budget;
    private readonly IDisposable _subscription;
    private readonly SemaphoreSlim _loads = new(ParallelLoads, ParallelLoads);
    private readonly Lock _gate = new();
    private readonly Dictionary<BlockKey, Entry> _blocks = [];
    private long _bytes;
    private long _uses;

    public PeriodSums(IDbContextFactory<StatsDbContext> contexts, AggregateChangeNotifier notifier, IOptions<QueryLimits> limits)
        : this(contexts, notifier, limits.Value.PeriodSumsMegabytes * 1024L * 1024L)
    {
    }

    /// <summary>With a budget in bytes: tests make it small enough to evict.</summary>
    internal PeriodSums(IDbContextFactory<StatsDbContext> contexts, AggregateChangeNotifier notifier, long budgetBytes)
    {
        _contexts = contexts;
        _budget = budgetBytes;
        _subscription = notifier.Subscribe(Invalidate);
    }

    /// <summary>What the blocks hold now: how many, and their estimated size in bytes.</summary>
    public (int Blocks, long Bytes) Size
    {
        get
        {
            lock (_gate)
            {
                return (_blocks.Count, _bytes);
            }
        }
    }

    /// <summary>Whether a period is answered from blocks: a closed one of at most <see cref="MaxDays"/>, with the cache on.</summary>
    public bool Covers(Period period) =>
        _budget > 0 && period is { Start: { } from, End: { } to } && to >= from && to.DayNumber - from.DayNumber < MaxDays;

    /// <summary>
    /// Every record's sum of one metric over the period (both access methods), as <see cref="UsageStats.TopRecords"/> sums
    /// them; records without usage are left out. Record ids are the catalog's internal ones.
    /// </summary>
    public async Task<List<(int RecordId, long Value)>> RecordSumsAsync(Period period, UsageMetric metric, CancellationToken cancellationToken)
    {
        var blocks = await BlocksAsync(BlockKind.Records, period, cancellationToken);
        var column = (int)metric;
        var size = blocks.Select(b => ((int[])b.Keys).LastOrDefault()).DefaultIfEmpty().Max() + 1;
        var sums = ArrayPool<long>.Shared.Rent(size);
        try
        {
            Array.Clear(sums, 0, size);
            foreach (var block in blocks)
            {
                var keys = (int[])block.Keys;
                for (var i = 0; i < keys.Length; i++)
                {
                    sums[keys[i]] += block.Values[(i * RecordWidth) + column];
                }
            }

            var positive = new List<(int, long)>();
            for (var id = 0; id < size; id++)
            {
                if (sums[id] > 0)
                {
                    positive.Add((id, sums[id]));
                }
            }

            return positive;
        }
        finally
        {
            ArrayPool<long>.Shared.Return(sums);
        }
    }

    /// <summary>The repository's usage per country over the period, as <see cref="UsageStats.UsagePerCountry"/> orders it.</summary>
    public async Task<List<CountryBucket>> RepositoryCountriesAsync(Period period, CancellationToken cancellationToken)
    {
        var blocks = await BlocksAsync(BlockKind.Countries, period, cancellationToken);
        var sums = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var block in blocks)
        {
            var keys = (string[])block.Keys;
            for (var i = 0; i < keys.Length; i++)
            {
                if (!sums.TryGetValue(keys[i], out var total))
                {
                    total = new long[CountryWidth];
                    sums[keys[i]] = total;
                }

                for (var c = 0; c < CountryWidth; c++)
                {
                    total[c] += block.Values[(i * CountryWidth) + c];
                }
            }
        }

        // Country codes are upper-case ASCII: ordinal order is every provider's order.
        return [.. sums
            .Select(s => new CountryBucket(s.Key, s.Value[0], s.Value[1], s.Value[2], s.Value[3]))
            .OrderByDescending(b => b.Views).ThenByDescending(b => b.Downloads).ThenBy(b => b.Country, StringComparer.Ordinal)];
    }

    public void Dispose()
    {
        _subscription.Dispose();
        _loads.Dispose();
    }

    /// <summary>The whole calendar months of a period as month blocks, its other days as day blocks.</summary>
    internal static List<(DateOnly First, bool Month)> Split(DateOnly from, DateOnly to)
    {
        var parts = new List<(DateOnly, bool)>();
        for (var day = from; day <= to;)
        {
            var monthEnd = day.AddDays(1 - day.Day).AddMonths(1).AddDays(-1);
            if (day.Day == 1 && monthEnd <= to)
            {
                parts.Add((day, true));
                day = monthEnd.AddDays(1);
            }
            else
            {
                parts.Add((day, false));
                day = day.AddDays(1);
            }
        }

        return parts;
    }

    private async Task<Block[]> BlocksAsync(BlockKind kind, Period period, CancellationToken cancellationToken)
    {
        if (!Covers(period))
        {
            throw new ArgumentOutOfRangeException(nameof(period), period, "Only closed periods within the block limit are summed from blocks.");
        }

        var loads = Split(period.From, period.To).Select(p => EntryOf(new BlockKey(kind, p.First, p.Month)).Loaded).ToList();
        return await Task.WhenAll(loads).WaitAsync(cancellationToken);
    }

    /// <summary>The block's entry, started loading if it was missing; marks it used.</summary>
    private Entry EntryOf(BlockKey key)
    {
        lock (_gate)
        {
            if (!_blocks.TryGetValue(key, out var entry))
            {
                entry = new Entry();
                _blocks[key] = entry;
                entry.Loaded = LoadAsync(key, entry);
            }

            entry.LastUsed = ++_uses;
            return entry;
        }
    }

    /// <summary>
    /// Reads a block for whoever waits for it (so no caller's cancellation is shared) and keeps it unless a change of its
    /// days dropped the entry while it was read: those waiting get what the store held when they asked.
    /// </summary>
    private async Task<Block> LoadAsync(BlockKey key, Entry entry)
    {
        await Task.Yield();
        Block block;
        try
        {
            await _loads.WaitAsync();
            try
            {
                block = await ReadAsync(key);
            }
            finally
            {
                _loads.Release();
            }
        }
        catch
        {
            lock (_gate)
            {
                Forget(key, entry);
            }

            throw;
        }

        lock (_gate)
        {
            if (_blocks.TryGetValue(key, out var current) && ReferenceEquals(current, entry))
            {
                entry.Bytes = block.Bytes;
                _bytes += block.Bytes;
                EvictOverBudget(entry);
            }
        }

        return block;
    }

    private async Task<Block> ReadAsync(BlockKey key)
    {
        var last = key.Month ? key.First.AddMonths(1).AddDays(-1) : key.First;
        await using var context = await _contexts.CreateDbContextAsync();
        if (key.Kind == BlockKind.Records)
        {
            var rows = await RecordSums(context, key.First, last).ToListAsync();
            rows.Sort((a, b) => a.RecordId.CompareTo(b.RecordId));
            var values = new long[rows.Count * RecordWidth];
            for (var i = 0; i < rows.Count; i++)
            {
                rows[i].CopyTo(values.AsSpan(i * RecordWidth, RecordWidth));
            }

            return new Block(rows.Select(r => r.RecordId).ToArray(), values, (rows.Count * ((sizeof(long) * RecordWidth) + sizeof(int))) + Block.Overhead);
        }

        var countries = await RepositoryCountrySums(context, key.First, last).ToListAsync();
        var countryValues = new long[countries.Count * CountryWidth];
        for (var i = 0; i < countries.Count; i++)
        {
            var (c, at) = (countries[i], i * CountryWidth);
            (countryValues[at], countryValues[at + 1], countryValues[at + 2], countryValues[at + 3]) = (c.Views, c.UniqueViews, c.Downloads, c.UniqueDownloads);
        }

        // A country code is a short string of its own: about 32 bytes and a reference.
        return new Block(countries.Select(c => c.Country).ToArray(), countryValues, (countries.Count * ((sizeof(long) * CountryWidth) + 40)) + Block.Overhead);
    }

    /// <summary>Drops the blocks that cover a rewritten day (every block when the days are unknown).</summary>
    private void Invalidate(AggregatesChanged change)
    {
        lock (_gate)
        {
            if (change.Days is null)
            {
                _blocks.Clear();
                _bytes = 0;
                return;
            }

            foreach (var day in change.Days)
            {
                var month = day.AddDays(1 - day.Day);
                foreach (var kind in (BlockKind[])[BlockKind.Records, BlockKind.Countries])
                {
                    Forget(new BlockKey(kind, day, false));
                    Forget(new BlockKey(kind, month, true));
                }
            }
        }
    }

    private void Forget(BlockKey key, Entry? only = null)
    {
        if (_blocks.TryGetValue(key, out var entry) && (only is null || ReferenceEquals(entry, only)))
        {
            _blocks.Remove(key);
            _bytes -= entry.Bytes;
        }
    }

    /// <summary>Drops the least recently used loaded blocks until the rest fit the budget; never the one just loaded.</summary>
    private void EvictOverBudget(Entry keep)
    {
        while (_bytes > _budget)
        {
            BlockKey? oldest = null;
            var oldestUse = long.MaxValue;
            foreach (var (key, entry) in _blocks)
            {
                if (entry.Bytes > 0 && entry.LastUsed < oldestUse && !ReferenceEquals(entry, keep))
                {
                    (oldest, oldestUse) = (key, entry.LastUsed);
                }
            }

            if (oldest is not { } evicted)
            {
                return;
            }

            Forget(evicted);
        }
    }

    // The query builders below are what EF translates; each is listed in SqlServerTranslationTests.

    /// <summary>
    /// Every record's sums between two days (both access methods), read through the index on the day. The scope is a
    /// range, not an equality, on purpose: without table statistics SQLite prefers an equality on the key's first column
    /// and read every record row of every day for each block (about a second per block on 10 M events).
    /// </summary>
    internal static IQueryable<RecordSumsRow> RecordSums(StatsDbContext context, DateOnly from, DateOnly to) =>
        context.UsageDailyStats
            .Where(s => s.Scope >= StatScope.Record && s.Scope <= StatScope.Record && s.Day >= from && s.Day <= to)
            .GroupBy(s => s.ScopeId)
            .Select(g => new RecordSumsRow(
                g.Key, g.Sum(s => (long)s.Views), g.Sum(s => (long)s.UniqueViews), g.Sum(s => (long)s.Downloads),
                g.Sum(s => (long)s.UniqueDownloads), g.Sum(s => s.Volume)));

    /// <summary>The repository's sums per country between two days.</summary>
    internal static IQueryable<CountryBucket> RepositoryCountrySums(StatsDbContext context, DateOnly from, DateOnly to) =>
        context.CountryDailyStats
            .Where(s => s.Scope == StatScope.Repository && s.ScopeId == 0 && s.Day >= from && s.Day <= to)
            .GroupBy(s => s.Country)
            .Select(g => new CountryBucket(
                g.Key, g.Sum(s => (long)s.Views), g.Sum(s => (long)s.UniqueViews), g.Sum(s => (long)s.Downloads), g.Sum(s => (long)s.UniqueDownloads)));

    /// <summary>One record's sums, in the order of <see cref="UsageMetric"/>.</summary>
    internal sealed record RecordSumsRow(int RecordId, long Views, long UniqueViews, long Downloads, long UniqueDownloads, long Volume)
    {
        public void CopyTo(Span<long> target) => (target[0], target[1], target[2], target[3], target[4]) = (Views, UniqueViews, Downloads, UniqueDownloads, Volume);
    }

    private enum BlockKind
    {
        Records,
        Countries,
    }

    private readonly record struct BlockKey(BlockKind Kind, DateOnly First, bool Month);

    /// <summary>A block's keys (sorted record ids, or country codes) and their sums, one row of a fixed width per key.</summary>
    private sealed record Block(Array Keys, long[] Values, long Bytes)
    {
        /// <summary>Two arrays' and the block's own headers, and its entry in the table.</summary>
        public const long Overhead = 200;
    }

    private sealed class Entry
    {
        public Task<Block> Loaded { get; set; } = null!;

        public long LastUsed { get; set; }

        /// <summary>Zero until loaded.</summary>
        public long Bytes { get; set; }
    }
}
