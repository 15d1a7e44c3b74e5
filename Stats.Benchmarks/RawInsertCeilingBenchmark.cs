using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stats.Core.Data;
using Stats.Core.Ingestion;

namespace Stats.Benchmarks;

/// <summary>What the raw insert ceiling run measured.</summary>
internal sealed record CeilingRun(long Rows, long WarmupRows, int RowsPerTransaction, int Transactions, double Seconds, long RowsPerS, Cost Cost);

/// <summary>
/// The most a store can take on this machine: the rows ingestion produced, already enriched and keyed, inserted into a
/// fresh migrated store by the product's raw inserter (one prepared statement on SQLite, binary COPY on PostgreSQL) in
/// transactions of 5,000 rows. No validation, enrichment, catalog, duplicate check or dirty-day bookkeeping: what is
/// left is the database, its indexes and the commits.
/// </summary>
internal static class RawInsertCeilingBenchmark
{
    public const int RowsPerTransaction = 5_000;

    /// <summary>The rows of a store, in the order they were written.</summary>
    public static async Task<List<RawEvent>> LoadRowsAsync(BenchmarkStore store)
    {
        await using var host = await IngestionHost.StartAsync(store);
        await using var context = await host.Services.GetRequiredService<IDbContextFactory<StatsDbContext>>().CreateDbContextAsync();
        return await context.RawEvents.AsNoTracking().OrderBy(e => e.Id).ToListAsync();
    }

    /// <summary>Inserts the first <paramref name="warmupRows"/> rows untimed, then times the rest.</summary>
    public static async Task<CeilingRun> RunAsync(BenchmarkStore store, IReadOnlyList<RawEvent> rows, int warmupRows)
    {
        // The store is created and opened the way the product does it: same migrations, WAL, connection settings.
        await using var host = await IngestionHost.StartAsync(store);
        await using var context = await host.Services.GetRequiredService<IDbContextFactory<StatsDbContext>>().CreateDbContextAsync();
        // The writer makes a month's partition (PostgreSQL) before its transaction; the bare inserter does not.
        await RawEventPartitions.EnsureAsync(context, rows.Select(r => r.Timestamp));
        Progress.Log($"ceiling: warm-up with {warmupRows:N0} rows");
        await InsertRangeAsync(context, rows, 0, warmupRows);

        Progress.Log($"ceiling: {rows.Count - warmupRows:N0} rows in transactions of {RowsPerTransaction:N0}");
        var meter = CostMeter.Start();
        var transactions = await InsertRangeAsync(context, rows, warmupRows, rows.Count);
        var cost = meter.Stop();
        var measured = rows.Count - warmupRows;
        return new CeilingRun(measured, warmupRows, RowsPerTransaction, transactions, cost.Seconds, (long)(measured / meter.Elapsed.TotalSeconds), cost);
    }

    /// <summary>The product's own raw insert, one call per transaction, without anything around it.</summary>
    private static async Task<int> InsertRangeAsync(StatsDbContext context, IReadOnlyList<RawEvent> rows, int from, int to)
    {
        var transactions = 0;
        for (var start = from; start < to; start += RowsPerTransaction)
        {
            var slice = rows.Skip(start).Take(Math.Min(to, start + RowsPerTransaction) - start).ToList();
            await using var transaction = await context.Database.BeginTransactionAsync();
            await RawEventInserter.InsertAsync(context, slice, CancellationToken.None);
            await transaction.CommitAsync();
            transactions++;
        }

        return transactions;
    }
}
