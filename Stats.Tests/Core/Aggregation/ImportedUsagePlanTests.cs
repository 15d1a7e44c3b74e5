using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Stats.Core.Aggregation;
using Stats.Core.Data;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Core.Aggregation;

/// <summary>
/// How SQLite runs the derivation of imported usage on a migrated store without statistics (what an import meets): a run
/// of days must read those days' rows, not every day's rows of a scope.
/// </summary>
public sealed class ImportedUsagePlanTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheWiderRowsOfARunOfDaysReadTheRecordRowsOfThoseDaysByTheDayIndexOnSqlite()
    {
        var plan = await PlanAsync(ImportedUsage.WiderRowsSqliteSql);

        // The three reads of the record rows (repository, concept, community): each by the days, none by the scope alone.
        Assert.Equal(3, plan.Count(step => step == "SEARCH s USING INDEX IX_UsageDailyStats_Day (Day>? AND Day<?)"));
        Assert.DoesNotContain(plan, step => step.Contains("(Scope=?)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheRecordRowsCheckForComputedRowsOncePerRecordDayThroughTheKeyOnSqlite()
    {
        var plan = await PlanAsync(ImportedUsage.RecordRowsSql);

        // The documents of the days are grouped first (co-routine g), and the check reads the groups, not the documents.
        Assert.Contains("SEARCH a USING PRIMARY KEY (Day>? AND Day<?)", plan);
        Assert.Contains("SCAN g", plan);
        Assert.Contains("SEARCH c USING COVERING INDEX sqlite_autoindex_UsageDailyStats_1 (Scope=? AND ScopeId=? AND Day=?)", plan);
    }

    [Fact]
    public async Task TheLabelsOfARunOfDaysReadTheDocumentsOfThoseDaysByTheKeyOnSqlite()
    {
        var plan = await PlanAsync(ImportedUsage.LabelsSql);

        // The documents have no index by record: each read of them takes the run's days through the key once, never the
        // table, and never again for each record.
        Assert.Equal(2, plan.Count(step => step == "SEARCH a USING PRIMARY KEY (Day>? AND Day<?)"));
        Assert.DoesNotContain(plan, step => step.StartsWith("SCAN a", StringComparison.Ordinal));
        Assert.DoesNotContain(
            plan.Zip(plan.Skip(1)),
            steps => steps.First.StartsWith("CORRELATED", StringComparison.Ordinal) && steps.Second.StartsWith("SEARCH a ", StringComparison.Ordinal));
    }

    private static async Task<List<string>> PlanAsync(string sql)
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var context = store.CreateContext();
        await context.Database.OpenConnectionAsync(Cancellation);
        await using var command = ((SqliteConnection)context.Database.GetDbConnection()).CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        command.Parameters.AddWithValue("@from", "2024-05-01");
        command.Parameters.AddWithValue("@to", "2024-05-31");
        var plan = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(Cancellation);
        while (await reader.ReadAsync(Cancellation))
        {
            plan.Add(reader.GetString(3));
        }

        return plan;
    }
}
