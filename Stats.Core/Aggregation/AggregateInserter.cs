using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
using SQLitePCL;
using Stats.Core.Data;

namespace Stats.Core.Aggregation;

/// <summary>
/// Writes days' aggregate rows inside the aggregator's transaction by the fastest path each provider has (one
/// prepared statement through SQLite's C API, binary COPY on PostgreSQL, SqlBulkCopy on SQL Server): a busy day has tens of thousands of
/// rows, and change tracking would cost more than computing them. Column lists and entity configurations must agree:
/// the aggregation tests read every row back through EF on both providers.
/// </summary>
internal static class AggregateInserter
{
    private static readonly Column<UsageDailyStat>[] s_usage =
    [
        new("Day", s => s.Day, NpgsqlDbType.Date),
        new("Scope", s => (short)s.Scope, NpgsqlDbType.Smallint),
        new("ScopeId", s => s.ScopeId, NpgsqlDbType.Integer),
        new("AccessMethod", s => (short)s.AccessMethod, NpgsqlDbType.Smallint),
        new("Views", s => s.Views, NpgsqlDbType.Integer),
        new("UniqueViews", s => s.UniqueViews, NpgsqlDbType.Integer),
        new("Downloads", s => s.Downloads, NpgsqlDbType.Integer),
        new("UniqueDownloads", s => s.UniqueDownloads, NpgsqlDbType.Integer),
        new("Investigations", s => s.Investigations, NpgsqlDbType.Integer),
        new("UniqueInvestigations", s => s.UniqueInvestigations, NpgsqlDbType.Integer),
        new("Volume", s => s.Volume, NpgsqlDbType.Bigint),
        new("Country", s => s.Country, NpgsqlDbType.Char),
        new("FileId", s => s.FileId, NpgsqlDbType.Integer),
        new("ConceptId", s => s.ConceptId, NpgsqlDbType.Integer),
    ];

    private static readonly Column<CountryDailyStat>[] s_countries =
    [
        new("Day", s => s.Day, NpgsqlDbType.Date),
        new("Scope", s => (short)s.Scope, NpgsqlDbType.Smallint),
        new("ScopeId", s => s.ScopeId, NpgsqlDbType.Integer),
        new("Country", s => s.Country, NpgsqlDbType.Char),
        new("Views", s => s.Views, NpgsqlDbType.Integer),
        new("UniqueViews", s => s.UniqueViews, NpgsqlDbType.Integer),
        new("Downloads", s => s.Downloads, NpgsqlDbType.Integer),
        new("UniqueDownloads", s => s.UniqueDownloads, NpgsqlDbType.Integer),
    ];

    private static readonly Column<ActivityDailyStat>[] s_activities =
    [
        new("Day", s => s.Day, NpgsqlDbType.Date),
        new("Activity", s => (short)s.Activity, NpgsqlDbType.Smallint),
        new("CommunityId", s => s.CommunityId, NpgsqlDbType.Integer),
        new("SubjectId", s => s.SubjectId, NpgsqlDbType.Integer),
        new("DetailId", s => s.DetailId, NpgsqlDbType.Integer),
        new("Count", s => s.Count, NpgsqlDbType.Integer),
        new("Amount", s => s.Amount, NpgsqlDbType.Bigint),
    ];

    private static readonly Column<EventDailyStat>[] s_events =
    [
        new("Day", s => s.Day, NpgsqlDbType.Date),
        new("TypeId", s => s.TypeId, NpgsqlDbType.Smallint),
        new("Scope", s => (short)s.Scope, NpgsqlDbType.Smallint),
        new("ScopeId", s => s.ScopeId, NpgsqlDbType.Integer),
        new("Count", s => s.Count, NpgsqlDbType.Integer),
    ];

    // Kind and Scope are stored as byte: smallint on PostgreSQL.
    private static readonly Column<SourceDailyStat>[] s_sources =
    [
        new("Day", s => s.Day, NpgsqlDbType.Date),
        new("Kind", s => (short)s.Kind, NpgsqlDbType.Smallint),
        new("Scope", s => (short)s.Scope, NpgsqlDbType.Smallint),
        new("ScopeId", s => s.ScopeId, NpgsqlDbType.Integer),
        new("LabelId", s => s.LabelId, NpgsqlDbType.Integer),
        new("Views", s => s.Views, NpgsqlDbType.Integer),
        new("Downloads", s => s.Downloads, NpgsqlDbType.Integer),
    ];

    public static async Task InsertAsync(StatsDbContext context, IReadOnlyList<DayTotals> days, CancellationToken cancellationToken)
    {
        // In key order: consecutive rows land on the same pages of the key index, which is what an insert costs.
        var usage = days.SelectMany(d => d.Usage).OrderBy(s => s.Scope).ThenBy(s => s.ScopeId).ThenBy(s => s.Day).ThenBy(s => s.AccessMethod).ToList();
        var countries = days.SelectMany(d => d.Countries)
            .OrderBy(s => s.Scope).ThenBy(s => s.ScopeId).ThenBy(s => s.Day).ThenBy(s => s.Country, StringComparer.Ordinal).ToList();
        var activities = days.SelectMany(d => d.Activities)
            .OrderBy(s => s.Activity).ThenBy(s => s.CommunityId).ThenBy(s => s.Day).ThenBy(s => s.SubjectId).ThenBy(s => s.DetailId).ToList();
        var events = days.SelectMany(d => d.Events).OrderBy(s => s.TypeId).ThenBy(s => s.Scope).ThenBy(s => s.ScopeId).ThenBy(s => s.Day).ToList();
        if (context.Provider == DatabaseProvider.SqlServer)
        {
            await SqlServerBulkCopy.WriteAsync(context, usage, cancellationToken);
            await SqlServerBulkCopy.WriteAsync(context, countries, cancellationToken);
            await SqlServerBulkCopy.WriteAsync(context, activities, cancellationToken);
            await SqlServerBulkCopy.WriteAsync(context, events, cancellationToken);
            return;
        }

        await InsertAsync(context, "UsageDailyStats", s_usage, usage, cancellationToken);
        await InsertAsync(context, "CountryDailyStats", s_countries, countries, cancellationToken);
        await InsertAsync(context, "ActivityDailyStats", s_activities, activities, cancellationToken);
        await InsertAsync(context, "EventDailyStats", s_events, events, cancellationToken);
    }

    /// <summary>Usage rows alone, in key order, by the same paths: the imported usage of days (<see cref="ImportedUsage"/>).</summary>
    public static async Task InsertUsageAsync(StatsDbContext context, IEnumerable<UsageDailyStat> rows, CancellationToken cancellationToken)
    {
        var usage = rows.OrderBy(s => s.Scope).ThenBy(s => s.ScopeId).ThenBy(s => s.Day).ThenBy(s => s.AccessMethod).ToList();
        if (context.Provider == DatabaseProvider.SqlServer)
        {
            await SqlServerBulkCopy.WriteAsync(context, usage, cancellationToken);
            return;
        }

        await InsertAsync(context, "UsageDailyStats", s_usage, usage, cancellationToken);
    }

    /// <summary>The daily sources rows (<see cref="SourcesDaily"/>), in key order, by the same paths.</summary>
    public static async Task InsertSourcesAsync(StatsDbContext context, IEnumerable<SourceDailyStat> rows, CancellationToken cancellationToken)
    {
        var sources = rows.OrderBy(s => s.Kind).ThenBy(s => s.Scope).ThenBy(s => s.ScopeId).ThenBy(s => s.Day).ThenBy(s => s.LabelId).ToList();
        if (context.Provider == DatabaseProvider.SqlServer)
        {
            await SqlServerBulkCopy.WriteAsync(context, sources, cancellationToken);
            return;
        }

        await InsertAsync(context, "SourceDailyStats", s_sources, sources, cancellationToken);
    }

    private static async Task InsertAsync<T>(StatsDbContext context, string table, Column<T>[] columns, List<T> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }

        var names = string.Join(", ", columns.Select(c => $"\"{c.Name}\""));
        if (context.Database.GetDbConnection() is NpgsqlConnection npgsql)
        {
            await using var import = await npgsql.BeginBinaryImportAsync($"COPY \"{table}\" ({names}) FROM STDIN (FORMAT BINARY)", cancellationToken);
            foreach (var row in rows)
            {
                await import.StartRowAsync(cancellationToken);
                foreach (var column in columns)
                {
                    if (column.Value(row) is { } value)
                    {
                        await import.WriteAsync(value, column.PgType, cancellationToken);
                    }
                    else
                    {
                        await import.WriteNullAsync(cancellationToken);
                    }
                }
            }

            await import.CompleteAsync(cancellationToken);
            return;
        }

        InsertSqlite((SqliteConnection)context.Database.GetDbConnection(), table, names, columns, rows);
    }

    /// <summary>
    /// Straight through SQLite's C API on the EF connection (inside its transaction): one prepared statement, values
    /// bound by position. Microsoft.Data.Sqlite looks every parameter up by name on every execution, which costs more
    /// than the insert itself at millions of rows.
    /// </summary>
    private static void InsertSqlite<T>(SqliteConnection connection, string table, string names, Column<T>[] columns, List<T> rows)
    {
        var handle = connection.Handle ?? throw new InvalidOperationException("The SQLite connection is not open.");
        var sql = $"INSERT INTO \"{table}\" ({names}) VALUES ({string.Join(", ", columns.Select((_, i) => "?" + (i + 1)))})";
        var rc = raw.sqlite3_prepare_v2(handle, sql, out var statement);
        SqliteException.ThrowExceptionForRC(rc, handle);
        using (statement)
        {
            foreach (var row in rows)
            {
                for (var i = 0; i < columns.Length; i++)
                {
                    rc = columns[i].Value(row) switch
                    {
                        null => raw.sqlite3_bind_null(statement, i + 1),
                        int number => raw.sqlite3_bind_int(statement, i + 1, number),
                        short number => raw.sqlite3_bind_int(statement, i + 1, number),
                        long number => raw.sqlite3_bind_int64(statement, i + 1, number),
                        string text => raw.sqlite3_bind_text(statement, i + 1, text),
                        // The text EF Core writes and compares for a DateOnly.
                        DateOnly day => raw.sqlite3_bind_text(statement, i + 1, day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
                        var other => throw new InvalidOperationException($"No SQLite binding for {other.GetType().Name}."),
                    };
                    SqliteException.ThrowExceptionForRC(rc, handle);
                }

                rc = raw.sqlite3_step(statement);
                if (rc != raw.SQLITE_DONE)
                {
                    SqliteException.ThrowExceptionForRC(rc, handle);
                }

                raw.sqlite3_reset(statement);
            }
        }
    }

    private sealed record Column<T>(string Name, Func<T, object?> Value, NpgsqlDbType PgType);
}
