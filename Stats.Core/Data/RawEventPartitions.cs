using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Stats.Core.Data;

/// <summary>
/// On PostgreSQL, raw events live in one partition per UTC month (<c>RawEvents_2026_12</c>), so that retention drops a
/// month whole instead of deleting its rows (ADR-017). A partition is made before any insert needs it: the current month
/// and the next <see cref="MonthsAhead"/> by a periodic job, and any other month (an import's past, a late event) on
/// demand by the writer, before its transaction. SQLite and SQL Server keep one plain table: every method here does
/// nothing on them.
/// </summary>
public static class RawEventPartitions
{
    /// <summary>Months made ahead of the current one, so that the first events of a month never wait for a partition.</summary>
    public const int MonthsAhead = 2;

    private const string Prefix = "RawEvents_";

    /// <summary>
    /// The transaction-level advisory lock that every instance takes before it creates or drops a partition: two writers
    /// needing the same month, or a writer and retention, take turns instead of failing on each other's DDL.
    /// </summary>
    private const long DdlLock = 0x5374_6174_7350_6172; // "StatsPar"

    /// <summary>The months known to have a partition, per store: the writer asks the catalog only for months not in it.</summary>
    private static readonly ConcurrentDictionary<string, ConcurrentDictionary<DateOnly, byte>> s_known = new();

    /// <summary>The partition of <paramref name="month"/> (its first day): <c>RawEvents_yyyy_MM</c>.</summary>
    public static string NameOf(DateOnly month) => Prefix + month.ToString("yyyy_MM", CultureInfo.InvariantCulture);

    /// <summary>The first day of the UTC month of <paramref name="timestamp"/>.</summary>
    public static DateOnly MonthOf(DateTime timestamp) => new(timestamp.Year, timestamp.Month, 1);

    /// <summary>
    /// Makes sure the month of every timestamp has a partition. Call it outside any transaction of <paramref name="context"/>:
    /// attaching a partition while this connection's own transaction holds a lock on <c>RawEvents</c> would wait for itself.
    /// </summary>
    public static async Task EnsureAsync(StatsDbContext context, IEnumerable<DateTime> timestamps, CancellationToken cancellationToken = default)
    {
        if (context.Provider != DatabaseProvider.PostgreSql)
        {
            return;
        }

        var known = Known(context);
        var missing = new HashSet<DateOnly>();
        var last = DateOnly.MinValue;
        foreach (var timestamp in timestamps)
        {
            // Rows come in time order or close to it: most share the month of the one before.
            var month = MonthOf(timestamp);
            if (month != last && !known.ContainsKey(month))
            {
                missing.Add(month);
            }

            last = month;
        }

        if (missing.Count > 0)
        {
            await CreateAsync(context, missing, cancellationToken);
        }
    }

    /// <summary>Makes the partitions of the month of <paramref name="now"/> and of the <see cref="MonthsAhead"/> after it.</summary>
    public static Task EnsureAheadAsync(StatsDbContext context, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var current = MonthOf(now.UtcDateTime);
        return EnsureAsync(
            context,
            Enumerable.Range(0, MonthsAhead + 1).Select(i => current.AddMonths(i).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc)),
            cancellationToken);
    }

    /// <summary>The months that have a partition, oldest first; empty on the providers that do not partition.</summary>
    public static async Task<IReadOnlyList<DateOnly>> ListAsync(StatsDbContext context, CancellationToken cancellationToken = default)
    {
        if (context.Provider != DatabaseProvider.PostgreSql)
        {
            return [];
        }

        var names = await context.Database.SqlQueryRaw<string>(
            "SELECT c.relname AS \"Value\" FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid " +
            "WHERE i.inhparent = '\"RawEvents\"'::regclass").ToListAsync(cancellationToken);
        return [.. names.Select(ParseName).OfType<DateOnly>().Order()];
    }

    /// <summary>
    /// Takes the partitions' DDL lock for the rest of <paramref name="context"/>'s current transaction (retention takes it
    /// before it drops a month, so that no writer is creating that month meanwhile).
    /// </summary>
    public static Task LockAsync(StatsDbContext context, CancellationToken cancellationToken = default)
    {
        var sql = "SELECT pg_advisory_xact_lock(" + DdlLock.ToString(CultureInfo.InvariantCulture) + ")";
        return context.Database.ExecuteSqlRawAsync(sql, cancellationToken);
    }

    /// <summary>
    /// Drops the partition of <paramref name="month"/> with its raw events, inside the caller's transaction (which holds
    /// <see cref="LockAsync"/>). It waits at most five seconds for the readers and writers of <c>RawEvents</c>: a drop
    /// waiting for a lock makes every later reader wait behind it, so a busy table gets it on a later run instead. False
    /// when it did not get the lock in time: the transaction is then aborted, and the caller rolls it back.
    /// </summary>
    public static async Task<bool> DropAsync(StatsDbContext context, DateOnly month, CancellationToken cancellationToken = default)
    {
        await context.Database.ExecuteSqlRawAsync("SET LOCAL lock_timeout = '5s'", cancellationToken);
        var sql = $"DROP TABLE \"{NameOf(month)}\"";
        try
        {
            await context.Database.ExecuteSqlRawAsync(sql, cancellationToken);
            return true;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.LockNotAvailable)
        {
            return false;
        }
    }

    /// <summary>Forgets that <paramref name="month"/> has a partition (it was dropped): the next insert into it asks the catalog.</summary>
    public static void Forget(StatsDbContext context, DateOnly month) => Known(context).TryRemove(month, out _);

    /// <summary>Forgets every month of this store: another instance may have dropped one.</summary>
    public static void ForgetAll(StatsDbContext context) => Known(context).Clear();

    /// <summary>True when an insert failed because its month had no partition (another instance's retention dropped it meanwhile).</summary>
    public static bool IsMissingPartition(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.CheckViolation, TableName: "RawEvents" };

    private static async Task CreateAsync(StatsDbContext context, IReadOnlyCollection<DateOnly> months, CancellationToken cancellationToken)
    {
        if (context.Database.CurrentTransaction is not null)
        {
            throw new InvalidOperationException("Raw event partitions are created in a transaction of their own, before the writer's.");
        }

        await using (var transaction = await context.Database.BeginTransactionAsync(cancellationToken))
        {
            await LockAsync(context, cancellationToken);
            var existing = (await ListAsync(context, cancellationToken)).ToHashSet();
            foreach (var month in months.Where(m => !existing.Contains(m)).Order())
            {
                // CREATE ... PARTITION OF would lock RawEvents against every reader and writer until the commit; a table
                // attached afterwards needs only a lock that lets them go on (ATTACH takes SHARE UPDATE EXCLUSIVE).
                // It is empty, so the bounds check and the index builds of the attach are instant.
                var name = NameOf(month);
                var create = $"CREATE TABLE \"{name}\" (LIKE \"RawEvents\" INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)";
                var attach = $"ALTER TABLE \"RawEvents\" ATTACH PARTITION \"{name}\" FOR VALUES FROM ('{Bound(month)}') TO ('{Bound(month.AddMonths(1))}')";
                await context.Database.ExecuteSqlRawAsync(create, cancellationToken);
                await context.Database.ExecuteSqlRawAsync(attach, cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            var known = Known(context);
            foreach (var month in existing.Concat(months))
            {
                known.TryAdd(month, 0);
            }
        }
    }

    private static string Bound(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + " 00:00:00+00";

    private static DateOnly? ParseName(string name) =>
        name.StartsWith(Prefix, StringComparison.Ordinal) &&
        DateOnly.TryParseExact(name[Prefix.Length..], "yyyy_MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month)
            ? month
            : null;

    private static ConcurrentDictionary<DateOnly, byte> Known(StatsDbContext context) =>
        s_known.GetOrAdd(context.Database.GetConnectionString() ?? "", _ => new ConcurrentDictionary<DateOnly, byte>());
}
