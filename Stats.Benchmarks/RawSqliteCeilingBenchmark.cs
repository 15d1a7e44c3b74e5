using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stats.Core.Data;

namespace Stats.Benchmarks;

/// <summary>What the raw SQLite ceiling run measured.</summary>
internal sealed record CeilingRun(long Rows, long WarmupRows, int RowsPerTransaction, int Transactions, double Seconds, long RowsPerS, Cost Cost);

/// <summary>
/// The most a SQLite store can take on this machine: the rows ingestion produced, already enriched and keyed, inserted
/// into a fresh migrated store with one prepared statement in transactions of 5,000 rows. No validation, enrichment,
/// catalog, duplicate check or dirty-day bookkeeping: what is left is SQLite, its indexes and the commits.
/// </summary>
internal static class RawSqliteCeilingBenchmark
{
    public const int RowsPerTransaction = 5_000;

    // The columns RawEventInserter writes, in its order.
    private const string Insert = "INSERT INTO \"RawEvents\" (\"TypeId\", \"Timestamp\", \"RecordId\", \"FileId\", \"CommunityId\", \"SubjectId\", " +
        "\"DetailId\", \"Country\", \"Traits\", \"VisitorHash\", \"SessionHash\", \"Amount\", \"ClientIdHash\") " +
        "VALUES ($t, $ts, $r, $f, $c, $s, $d, $co, $tr, $v, $se, $a, $id)";

    private static readonly string[] s_parameters = ["$t", "$ts", "$r", "$f", "$c", "$s", "$d", "$co", "$tr", "$v", "$se", "$a", "$id"];

    /// <summary>The rows of a store, in the order they were written.</summary>
    public static async Task<List<RawEvent>> LoadRowsAsync(string databasePath)
    {
        await using var host = await IngestionHost.StartAsync(databasePath);
        await using var context = await host.Services.GetRequiredService<IDbContextFactory<StatsDbContext>>().CreateDbContextAsync();
        return await context.RawEvents.AsNoTracking().OrderBy(e => e.Id).ToListAsync();
    }

    /// <summary>Inserts the first <paramref name="warmupRows"/> rows untimed, then times the rest.</summary>
    public static async Task<CeilingRun> RunAsync(string databasePath, IReadOnlyList<RawEvent> rows, int warmupRows)
    {
        // The store is created and opened the way the product does it: same migrations, WAL, connection settings.
        await using var host = await IngestionHost.StartAsync(databasePath);
        await using var context = await host.Services.GetRequiredService<IDbContextFactory<StatsDbContext>>().CreateDbContextAsync();
        await context.Database.OpenConnectionAsync();
        var connection = (SqliteConnection)context.Database.GetDbConnection();
        using var command = connection.CreateCommand();
        command.CommandText = Insert;
        var parameters = s_parameters.Select(name => command.Parameters.Add(new SqliteParameter { ParameterName = name }))
            .ToArray();

        Progress.Log($"ceiling: warm-up with {warmupRows:N0} rows");
        InsertRange(connection, command, parameters, rows, 0, warmupRows);

        Progress.Log($"ceiling: {rows.Count - warmupRows:N0} rows in transactions of {RowsPerTransaction:N0}");
        var meter = CostMeter.Start();
        var transactions = InsertRange(connection, command, parameters, rows, warmupRows, rows.Count);
        var cost = meter.Stop();
        var measured = rows.Count - warmupRows;
        return new CeilingRun(measured, warmupRows, RowsPerTransaction, transactions, cost.Seconds, (long)(measured / meter.Elapsed.TotalSeconds), cost);
    }

    private static int InsertRange(SqliteConnection connection, SqliteCommand command, SqliteParameter[] parameters, IReadOnlyList<RawEvent> rows, int from, int to)
    {
        var transactions = 0;
        for (var start = from; start < to; start += RowsPerTransaction)
        {
            using var transaction = connection.BeginTransaction();
            command.Transaction = transaction;
            if (transactions == 0)
            {
                command.Prepare();
            }

            for (var i = start; i < Math.Min(to, start + RowsPerTransaction); i++)
            {
                var row = rows[i];
                parameters[0].Value = row.TypeId;
                parameters[1].Value = row.Timestamp;
                parameters[2].Value = (object?)row.RecordId ?? DBNull.Value;
                parameters[3].Value = (object?)row.FileId ?? DBNull.Value;
                parameters[4].Value = (object?)row.CommunityId ?? DBNull.Value;
                parameters[5].Value = (object?)row.SubjectId ?? DBNull.Value;
                parameters[6].Value = (object?)row.DetailId ?? DBNull.Value;
                parameters[7].Value = (object?)row.Country ?? DBNull.Value;
                parameters[8].Value = (byte)row.Traits;
                parameters[9].Value = (object?)row.VisitorHash ?? DBNull.Value;
                parameters[10].Value = (object?)row.SessionHash ?? DBNull.Value;
                parameters[11].Value = (object?)row.Amount ?? DBNull.Value;
                parameters[12].Value = (object?)row.ClientIdHash ?? DBNull.Value;
                command.ExecuteNonQuery();
            }

            transaction.Commit();
            transactions++;
        }

        return transactions;
    }
}
