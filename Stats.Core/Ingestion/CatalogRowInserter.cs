using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using SQLitePCL;
using Stats.Core.Data;

namespace Stats.Core.Ingestion;

/// <summary>
/// Adds the records, files, labels and bucket pairings first seen in a group, inside the writer's transaction, and gives each its store id.
/// An import into a new store sees every record and file of the repository for the first time: through EF Core's
/// change tracker these inserts took most of the import (tens of thousands of tracked rows a group), so SQLite gets one
/// prepared statement re-executed per row and PostgreSQL one statement per group (unnest ... RETURNING). Other providers go through EF Core.
/// </summary>
internal static class CatalogRowInserter
{
    public static async Task InsertRecordsAsync(StatsDbContext context, List<Record> records, CancellationToken cancellationToken)
    {
        if (records.Count == 0)
        {
            return;
        }

        switch (context.Database.GetDbConnection())
        {
            case SqliteConnection sqlite:
                // A stub: known by its ids only, AccessRight Unknown (0), as EF Core writes a new Record.
                InsertSqlite(sqlite, "INSERT INTO \"Records\" (\"ExternalId\", \"ParentExternalId\", \"AccessRight\") VALUES (?1, ?2, 0)", records, (statement, r) =>
                {
                    raw.sqlite3_bind_text(statement, 1, r.ExternalId);
                    BindText(statement, 2, r.ParentExternalId);
                }, (r, id) => r.Id = id);
                break;
            case NpgsqlConnection:
                // Through EF Core, so that the context's interceptors see it as they see any insert.
                var externalIds = records.Select(r => r.ExternalId).ToArray();
                var parentIds = records.Select(r => r.ParentExternalId).ToArray();
                var byExternal = records.ToDictionary(r => r.ExternalId, StringComparer.Ordinal);
                var insertedRecords = await context.Database.SqlQuery<InsertedRow>(
                    $"INSERT INTO \"Records\" (\"ExternalId\", \"ParentExternalId\", \"AccessRight\") SELECT e, p, 0 FROM unnest({externalIds}, {parentIds}) AS t(e, p) RETURNING \"Id\", 0 AS \"RecordId\", \"ExternalId\" AS \"Key\"")
                    .ToListAsync(cancellationToken);
                insertedRecords.ForEach(r => byExternal[r.Key].Id = r.Id);
                break;
            default:
                context.Records.AddRange(records);
                await context.SaveChangesAsync(cancellationToken);
                break;
        }
    }

    public static async Task InsertFilesAsync(StatsDbContext context, List<RecordFile> files, CancellationToken cancellationToken)
    {
        if (files.Count == 0)
        {
            return;
        }

        switch (context.Database.GetDbConnection())
        {
            case SqliteConnection sqlite:
                InsertSqlite(sqlite, "INSERT INTO \"RecordFiles\" (\"RecordId\", \"Key\", \"Size\") VALUES (?1, ?2, ?3)", files, (statement, f) =>
                {
                    raw.sqlite3_bind_int(statement, 1, f.RecordId);
                    raw.sqlite3_bind_text(statement, 2, f.Key);
                    if (f.Size is { } size)
                    {
                        raw.sqlite3_bind_int64(statement, 3, size);
                    }
                    else
                    {
                        raw.sqlite3_bind_null(statement, 3);
                    }
                }, (f, id) => f.Id = id);
                break;
            case NpgsqlConnection:
                var recordIds = files.Select(f => f.RecordId).ToArray();
                var keys = files.Select(f => f.Key).ToArray();
                var sizes = files.Select(f => f.Size).ToArray();
                var byKey = files.ToDictionary(f => (f.RecordId, f.Key));
                var insertedFiles = await context.Database.SqlQuery<InsertedRow>(
                    $"INSERT INTO \"RecordFiles\" (\"RecordId\", \"Key\", \"Size\") SELECT * FROM unnest({recordIds}, {keys}, {sizes}) RETURNING \"Id\", \"RecordId\", \"Key\"")
                    .ToListAsync(cancellationToken);
                insertedFiles.ForEach(f => byKey[(f.RecordId, f.Key)].Id = f.Id);
                break;
            default:
                context.RecordFiles.AddRange(files);
                await context.SaveChangesAsync(cancellationToken);
                break;
        }
    }

    /// <summary>
    /// Adds labels (document ids, locations, organisations, referrer hosts...): a busy feed brings new organisations and
    /// referrer hosts every few groups, so they take the same road as records.
    /// </summary>
    public static async Task InsertLabelsAsync(StatsDbContext context, List<Label> labels, CancellationToken cancellationToken)
    {
        if (labels.Count == 0)
        {
            return;
        }

        switch (context.Database.GetDbConnection())
        {
            case SqliteConnection sqlite:
                InsertSqlite(sqlite, "INSERT INTO \"Labels\" (\"Kind\", \"Value\") VALUES (?1, ?2)", labels, (statement, l) =>
                {
                    raw.sqlite3_bind_int(statement, 1, (int)l.Kind);
                    raw.sqlite3_bind_text(statement, 2, l.Value);
                }, (l, id) => l.Id = id);
                break;
            case NpgsqlConnection:
                var kinds = labels.Select(l => (short)l.Kind).ToArray();
                var values = labels.Select(l => l.Value).ToArray();
                var byKey = labels.ToDictionary(l => ((int)l.Kind, l.Value));
                var inserted = await context.Database.SqlQuery<InsertedRow>(
                    $"INSERT INTO \"Labels\" (\"Kind\", \"Value\") SELECT * FROM unnest({kinds}, {values}) RETURNING \"Id\", \"Kind\"::integer AS \"RecordId\", \"Value\" AS \"Key\"")
                    .ToListAsync(cancellationToken);
                inserted.ForEach(l => byKey[(l.RecordId, l.Key)].Id = l.Id);
                break;
            default:
                context.Labels.AddRange(labels);
                await context.SaveChangesAsync(cancellationToken);
                labels.ForEach(l => context.Entry(l).State = EntityState.Detached);
                break;
        }
    }

    /// <summary>Adds bucket → record pairings (no id to give back).</summary>
    public static async Task InsertBucketsAsync(StatsDbContext context, List<RecordBucket> buckets, CancellationToken cancellationToken)
    {
        if (buckets.Count == 0)
        {
            return;
        }

        if (context.Database.GetDbConnection() is SqliteConnection sqlite)
        {
            InsertSqlite(sqlite, "INSERT INTO \"RecordBuckets\" (\"BucketId\", \"RecordId\", \"Source\", \"LearnedAt\") VALUES (?1, ?2, ?3, ?4)", buckets, (statement, b) =>
            {
                raw.sqlite3_bind_text(statement, 1, b.BucketId);
                raw.sqlite3_bind_int(statement, 2, b.RecordId);
                raw.sqlite3_bind_text(statement, 3, b.Source);
                // The text EF Core writes and compares for a DateTime.
                raw.sqlite3_bind_text(statement, 4, b.LearnedAt.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture));
            }, (_, _) => { });
            return;
        }

        context.RecordBuckets.AddRange(buckets);
        await context.SaveChangesAsync(cancellationToken);
    }

    /// <summary>One prepared statement through SQLite's C API (inside the connection's open transaction); each row gets its rowid.</summary>
    private static void InsertSqlite<T>(SqliteConnection connection, string sql, List<T> rows, Action<sqlite3_stmt, T> bind, Action<T, int> setId)
    {
        var handle = connection.Handle ?? throw new InvalidOperationException("The SQLite connection is not open.");
        var rc = raw.sqlite3_prepare_v2(handle, sql, out var statement);
        SqliteException.ThrowExceptionForRC(rc, handle);
        using (statement)
        {
            foreach (var row in rows)
            {
                bind(statement, row);
                rc = raw.sqlite3_step(statement);
                if (rc != raw.SQLITE_DONE)
                {
                    SqliteException.ThrowExceptionForRC(rc, handle);
                }

                raw.sqlite3_reset(statement);
                raw.sqlite3_clear_bindings(statement);
                setId(row, checked((int)raw.sqlite3_last_insert_rowid(handle)));
            }
        }
    }

    /// <summary>
    /// A row PostgreSQL gave back: its new id and its natural key (a record's external id in <see cref="Key"/>; a label's
    /// kind in <see cref="RecordId"/> and value in <see cref="Key"/>).
    /// </summary>
    private sealed class InsertedRow
    {
        public int Id { get; set; }

        public int RecordId { get; set; }

        public string Key { get; set; } = "";
    }

    private static void BindText(sqlite3_stmt statement, int index, string? value)
    {
        if (value is null)
        {
            raw.sqlite3_bind_null(statement, index);
        }
        else
        {
            raw.sqlite3_bind_text(statement, index, value);
        }
    }
}
