using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Stats.Core.Data;

namespace Stats.Core.Aggregation;

/// <summary>
/// Derives the <see cref="AccessMethod.Imported"/> usage rows of days from their <see cref="ImportedDailyAggregate"/>s: per
/// record, file, concept, community and the repository, as the aggregator does for raw events, so that every
/// query over both access methods includes imported history without reading another table. A record-day with computed
/// rows (it has raw events) keeps those alone: raw events win, and nothing is counted twice
/// (docs/decisions/ADR-013-imported-daily-aggregates.md). Runs after every import and after every aggregation of a day.
/// </summary>
/// <remarks>
/// Set-based, in the database: a history import touches tens of millions of documents, and reading them into the
/// process to sum them cost more than importing them. The same statements run on every provider (quoted identifiers,
/// named parameters): the record and file rows are summed from the documents, then the repository, concept and community
/// rows from the record rows just written.
/// </remarks>
internal static class ImportedUsage
{
    /// <summary>How many days are derived at once: a month of a busy repository is a few hundred thousand documents.</summary>
    private const int DaysPerChunk = 31;

    private const string Sums =
        "\"Views\", \"UniqueViews\", \"Downloads\", \"UniqueDownloads\", \"Investigations\", \"UniqueInvestigations\", \"Volume\"";

    private const string Columns = "\"Day\", \"Scope\", \"ScopeId\", \"AccessMethod\", " + Sums;

    private static readonly string s_imported = ((int)AccessMethod.Imported).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A document of the range whose record-day has no computed rows (raw events win).</summary>
    private static readonly string s_documentsKept =
        "FROM \"ImportedDailyAggregates\" a WHERE a.\"Day\" >= @from AND a.\"Day\" <= @to " +
        "AND NOT EXISTS (SELECT 1 FROM \"UsageDailyStats\" c WHERE c.\"Scope\" = " + (int)StatScope.Record + " AND c.\"ScopeId\" = a.\"RecordId\" " +
        "AND c.\"Day\" = a.\"Day\" AND c.\"AccessMethod\" <> " + s_imported + ")";

    /// <summary>The documents' numbers as usage columns (in the order of <see cref="Sums"/>): views or downloads by kind, investigations from both.</summary>
    private static readonly string[] s_documentSumList =
    [
        $"SUM(CASE WHEN a.\"Kind\" = {(int)ImportedKind.RecordView} THEN a.\"Count\" ELSE 0 END)",
        $"SUM(CASE WHEN a.\"Kind\" = {(int)ImportedKind.RecordView} THEN a.\"UniqueCount\" ELSE 0 END)",
        $"SUM(CASE WHEN a.\"Kind\" = {(int)ImportedKind.RecordView} THEN 0 ELSE a.\"Count\" END)",
        $"SUM(CASE WHEN a.\"Kind\" = {(int)ImportedKind.RecordView} THEN 0 ELSE a.\"UniqueCount\" END)",
        "SUM(a.\"Count\")",
        "SUM(a.\"UniqueCount\")",
        $"SUM(CASE WHEN a.\"Kind\" = {(int)ImportedKind.RecordView} THEN 0 ELSE a.\"Volume\" END)",
    ];

    private static readonly string s_documentSums = string.Join(", ", s_documentSumList);

    /// <summary><see cref="s_documentSums"/>, each named as its usage column.</summary>
    private static readonly string s_documentSumsNamed =
        string.Join(", ", s_documentSumList.Zip(Sums.Split(", "), (sum, column) => $"{sum} AS {column}"));

    /// <summary>
    /// The record rows of the days, from the documents kept. Grouped first, then checked against the computed rows: a
    /// record-day is one check, not one per document (the check depends on the record and day alone). Inserted in the
    /// order of the rows' key: 500,000 record rows of a year took 2.9 s instead of 5.0 s in the <c>sqlite3</c> shell.
    /// </summary>
    internal static readonly string RecordRowsSql =
        $"INSERT INTO \"UsageDailyStats\" ({Columns}) SELECT g.\"Day\", {(int)StatScope.Record}, g.\"RecordId\", {s_imported}, " +
        string.Join(", ", Sums.Split(", ").Select(column => $"g.{column}")) +
        $" FROM (SELECT a.\"Day\", a.\"RecordId\", {s_documentSumsNamed} FROM \"ImportedDailyAggregates\" a " +
        "WHERE a.\"Day\" >= @from AND a.\"Day\" <= @to GROUP BY a.\"Day\", a.\"RecordId\") g " +
        $"WHERE NOT EXISTS (SELECT 1 FROM \"UsageDailyStats\" c WHERE c.\"Scope\" = {(int)StatScope.Record} AND c.\"ScopeId\" = g.\"RecordId\" " +
        $"AND c.\"Day\" = g.\"Day\" AND c.\"AccessMethod\" <> {s_imported}) ORDER BY g.\"RecordId\", g.\"Day\"";

    /// <summary>The file rows of the days, from the downloads kept that name a file.</summary>
    internal static readonly string FileRowsSql =
        $"INSERT INTO \"UsageDailyStats\" ({Columns}) SELECT a.\"Day\", {(int)StatScope.File}, a.\"FileId\", {s_imported}, {s_documentSums} " +
        $"{s_documentsKept} AND a.\"Kind\" = {(int)ImportedKind.FileDownload} AND a.\"FileId\" <> 0 GROUP BY a.\"Day\", a.\"FileId\"";

    /// <summary>
    /// The repository, concept and community rows of the days, from their imported record rows. As for computed rows, a
    /// record without versions is its own concept: only records with a parent get concept rows.
    /// </summary>
    internal static readonly string WiderRowsSql = WiderRows("s.\"Scope\"");

    /// <summary>
    /// <see cref="WiderRowsSql"/> as SQLite is given it. Without statistics, SQLite reads the record rows through the key's
    /// first column (<c>Scope = 1</c>): the record rows of every day of the store, for each run of days, three times. The
    /// unary plus leaves it the <c>Day</c> index, which reads the run's days only (a year of 400,000 documents derived in
    /// 0.54 s instead of 1.29 s, and a store with years of history gains more).
    /// </summary>
    internal static readonly string WiderRowsSqliteSql = WiderRows("+s.\"Scope\"");

    /// <summary>
    /// The concept and owner labels the records of the days' documents need (the aggregator names both; an owner's usage is
    /// its records', ADR-016, but its label says it is a known owner).
    /// </summary>
    internal static readonly string LabelsSql =
        "INSERT INTO \"Labels\" (\"Kind\", \"Value\") SELECT DISTINCT n.\"Kind\", n.\"Value\" FROM (" +
        $"SELECT {(int)LabelKind.Concept} AS \"Kind\", r.\"ParentExternalId\" AS \"Value\" {RecordsOfDocuments} AND r.\"ParentExternalId\" IS NOT NULL " +
        $"UNION ALL SELECT {(int)LabelKind.Owner}, r.\"OwnerId\" {RecordsOfDocuments} AND r.\"OwnerId\" IS NOT NULL" +
        ") n WHERE NOT EXISTS (SELECT 1 FROM \"Labels\" l WHERE l.\"Kind\" = n.\"Kind\" AND l.\"Value\" = n.\"Value\")";

    /// <summary>The records of the days' documents: the documents of the days read once (they have no index by record).</summary>
    private const string RecordsOfDocuments =
        "FROM \"Records\" r WHERE r.\"Id\" IN (SELECT a.\"RecordId\" FROM \"ImportedDailyAggregates\" a WHERE a.\"Day\" >= @from AND a.\"Day\" <= @to)";

    /// <summary>Replaces the imported usage rows of these days, in the caller's transaction if there is one.</summary>
    public static async Task RebuildAsync(StatsDbContext context, IEnumerable<DateOnly> days, CancellationToken cancellationToken)
    {
        foreach (var (from, to) in Ranges(days))
        {
            // Imported rows come from documents alone, and documents are never deleted: days without any have none to
            // replace. Most aggregated days are such days, and each check reads the documents' key alone (theirs is day first),
            // where the statements below read every usage row of the days (2.1 s of a 1 M-event store's 19 s re-aggregation).
            if (!await context.ImportedDailyAggregates.AnyAsync(a => a.Day >= from && a.Day <= to, cancellationToken))
            {
                continue;
            }

            await context.UsageDailyStats
                .Where(s => s.Day >= from && s.Day <= to && s.AccessMethod == AccessMethod.Imported)
                .ExecuteDeleteAsync(cancellationToken);
            var widerRows = context.Database.IsSqlite() ? WiderRowsSqliteSql : WiderRowsSql;
            foreach (var sql in (string[])[LabelsSql, RecordRowsSql, FileRowsSql, widerRows])
            {
                await ExecuteAsync(context, sql, from, to, cancellationToken);
            }
        }
    }

    /// <summary>The days as runs of consecutive days, each at most <see cref="DaysPerChunk"/> long.</summary>
    internal static IEnumerable<(DateOnly From, DateOnly To)> Ranges(IEnumerable<DateOnly> days)
    {
        DateOnly? from = null;
        var to = DateOnly.MinValue;
        foreach (var day in days.Distinct().Order())
        {
            if (from is { } start && day == to.AddDays(1) && day.DayNumber - start.DayNumber < DaysPerChunk)
            {
                to = day;
                continue;
            }

            if (from is { } done)
            {
                yield return (done, to);
            }

            (from, to) = (day, day);
        }

        if (from is { } last)
        {
            yield return (last, to);
        }
    }

    private static async Task ExecuteAsync(StatsDbContext context, string sql, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        if (context.Database.GetDbConnection().State != System.Data.ConnectionState.Open)
        {
            await context.Database.OpenConnectionAsync(cancellationToken);
        }

        await using var command = context.Database.GetDbConnection().CreateCommand();
        command.Transaction = context.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = sql;
        command.CommandTimeout = 0;
        Add(command, "@from", from);
        Add(command, "@to", to);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void Add(DbCommand command, string name, DateOnly value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    /// <summary>The statement of <see cref="WiderRowsSql"/>, <paramref name="scope"/> naming the record rows' scope column.</summary>
    private static string WiderRows(string scope) =>
        $"INSERT INTO \"UsageDailyStats\" ({Columns}) SELECT w.\"Day\", w.\"Scope\", w.\"ScopeId\", {s_imported}, " +
        string.Join(", ", Sums.Split(", ").Select(column => $"SUM(w.{column})")) + " FROM (" +
        $"SELECT s.\"Day\", {(int)StatScope.Repository} AS \"Scope\", 0 AS \"ScopeId\", {RecordRows(scope, "")} " +
        $"UNION ALL SELECT s.\"Day\", {(int)StatScope.Concept}, l.\"Id\", " +
        RecordRows(
            scope,
            "JOIN \"Records\" r ON r.\"Id\" = s.\"ScopeId\" " +
            $"JOIN \"Labels\" l ON l.\"Kind\" = {(int)LabelKind.Concept} AND l.\"Value\" = r.\"ParentExternalId\" ") +
        $" UNION ALL SELECT s.\"Day\", {(int)StatScope.Community}, m.\"CommunityId\", " +
        RecordRows(scope, "JOIN \"RecordCommunities\" m ON m.\"RecordId\" = s.\"ScopeId\" ") +
        ") w GROUP BY w.\"Day\", w.\"Scope\", w.\"ScopeId\"";

    /// <summary>The sums of the days' imported record rows, joined with <paramref name="join"/>.</summary>
    private static string RecordRows(string scope, string join) =>
        string.Join(", ", Sums.Split(", ").Select(column => $"s.{column}")) +
        $" FROM \"UsageDailyStats\" s {join}WHERE {scope} = {(int)StatScope.Record} AND s.\"AccessMethod\" = {s_imported} " +
        "AND s.\"Day\" >= @from AND s.\"Day\" <= @to";
}
