using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using SQLitePCL;
using Stats.Core.Aggregation;
using Stats.Core.Catalog;
using Stats.Core.Data;

namespace Stats.Core.Import.Aggregates;

/// <summary>
/// Stores <see cref="AggregateDocument"/>s: finds (or adds) their records and files in the catalog, replaces the stored
/// documents with the same key, and when an import ends derives the imported usage of the days it touched. One instance
/// serves one import (its catalog look-ups are cached for it); batches are stored one after the other.
/// </summary>
internal sealed class ImportedAggregateWriter(IDbContextFactory<StatsDbContext> contexts, TimeProvider clock)
{
    /// <summary>Why a download is skipped when its bucket is not in the catalog's bucket → record map yet.</summary>
    public const string UnknownBucket = "bucket not in the catalog yet";

    private readonly Dictionary<string, int> _records = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _buckets = new(StringComparer.Ordinal);
    private readonly Dictionary<(int RecordId, string Key), int> _files = [];

    /// <summary>The first and last day of the documents stored for each record and source since the last rebuild.</summary>
    private readonly Dictionary<(int RecordId, string Source), (DateOnly First, DateOnly Last)> _spans = [];

    /// <summary>How the run history names an import's runs: their days are not kept, so a watcher drops every cached sum.</summary>
    internal const string HolderPrefix = "import:";

    private readonly string _holder = $"{HolderPrefix}{Environment.MachineName}/{Environment.ProcessId}";

    /// <summary>A context for one import, its connection held open (with a big page cache on SQLite) until the import ends.</summary>
    public Task<StatsDbContext> OpenAsync(CancellationToken cancellationToken) => BulkContext.OpenAsync(contexts, cancellationToken);

    /// <summary>Stores one batch; returns the rows stored and the documents skipped, by reason.</summary>
    public async Task<(int Stored, Dictionary<string, long> Skipped, HashSet<DateOnly> Days)> StoreAsync(
        StatsDbContext context, string source, IReadOnlyList<AggregateDocument> documents, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var skipped = new Dictionary<string, long>(StringComparer.Ordinal);
        await ResolveAsync(context, documents, now, cancellationToken);
        var rows = new Dictionary<(ImportedKind, DateOnly, string), ImportedDailyAggregate>();
        foreach (var d in documents)
        {
            var recordId = d.Recid is { } recid ? _records[recid] : _buckets.GetValueOrDefault(d.BucketId!);
            if (recordId == 0)
            {
                skipped[UnknownBucket] = skipped.GetValueOrDefault(UnknownBucket) + 1;
                continue;
            }

            // The same document twice in one batch: the later line wins, as it would in a later batch.
            rows[(d.Kind, d.Day, d.UniqueId)] = new ImportedDailyAggregate
            {
                Kind = d.Kind, Day = d.Day, UniqueId = d.UniqueId, Source = source, RecordId = recordId,
                FileId = d.FileKey is { } key ? _files[(recordId, key)] : 0,
                Count = d.Count, UniqueCount = d.UniqueCount, Volume = d.Volume, ImportedAt = now,
            };
        }

        // In the order of the documents' key, which a history import's batches mostly follow: the inserts append.
        var ordered = rows.Values.OrderBy(r => r.Day).ThenBy(r => r.Kind).ThenBy(r => r.UniqueId, StringComparer.Ordinal).ToList();
        await UpsertAsync(context, ordered, cancellationToken);
        foreach (var row in ordered)
        {
            var span = (row.RecordId, source);
            _spans[span] = _spans.TryGetValue(span, out var known)
                ? (known.First < row.Day ? known.First : row.Day, known.Last > row.Day ? known.Last : row.Day)
                : (row.Day, row.Day);
        }

        return (ordered.Count, skipped, [.. ordered.Select(r => r.Day)]);
    }

    /// <summary>
    /// Derives the imported usage of <paramref name="days"/> again and widens the records' imported spans, in one
    /// transaction, and tells other instances.
    /// </summary>
    public async Task RebuildAsync(StatsDbContext context, IReadOnlyCollection<DateOnly> days, CancellationToken cancellationToken)
    {
        if (days.Count == 0)
        {
            return;
        }

        var started = clock.GetUtcNow().UtcDateTime;
        await using (var transaction = await context.Database.BeginTransactionAsync(cancellationToken))
        {
            await StoreSpansAsync(context, cancellationToken);
            await ImportedUsage.RebuildAsync(context, days, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        // A run in the history is how the dashboards (other processes) learn that aggregates changed, and refresh.
        context.AggregationRuns.Add(new AggregationRun
        {
            Holder = _holder, StartedAt = started, FinishedAt = clock.GetUtcNow().UtcDateTime, DaysProcessed = days.Count,
        });
        await context.SaveChangesAsync(cancellationToken);
        context.ChangeTracker.Clear();
    }

    /// <summary>Widens the stored span of each record and source by the days stored since, or adds it.</summary>
    private async Task StoreSpansAsync(StatsDbContext context, CancellationToken cancellationToken)
    {
        foreach (var chunk in _spans.Chunk(500))
        {
            var recordIds = chunk.Select(s => s.Key.RecordId).Distinct().ToList();
            var stored = await context.ImportedRecordSources.Where(s => recordIds.Contains(s.RecordId))
                .ToDictionaryAsync(s => (s.RecordId, s.Source), cancellationToken);
            foreach (var ((recordId, source), (first, last)) in chunk)
            {
                if (stored.TryGetValue((recordId, source), out var span))
                {
                    span.FirstDay = span.FirstDay < first ? span.FirstDay : first;
                    span.LastDay = span.LastDay > last ? span.LastDay : last;
                }
                else
                {
                    context.ImportedRecordSources.Add(new ImportedRecordSource { RecordId = recordId, Source = source, FirstDay = first, LastDay = last });
                }
            }

            await context.SaveChangesAsync(cancellationToken);
            context.ChangeTracker.Clear();
        }

        _spans.Clear();
    }

    /// <summary>Finds the record (by recid or bucket) and the file of every document, adding what the catalog lacks.</summary>
    private async Task ResolveAsync(StatsDbContext context, IReadOnlyList<AggregateDocument> documents, DateTime now, CancellationToken cancellationToken)
    {
        var buckets = documents.Where(d => d.BucketId is not null && !_buckets.ContainsKey(d.BucketId)).Select(d => d.BucketId!).Distinct(StringComparer.Ordinal).ToList();
        if (buckets.Count > 0)
        {
            foreach (var known in await CatalogKeys.RecordsOfBuckets(context, buckets).ToListAsync(cancellationToken))
            {
                _buckets[known.BucketId] = known.RecordId;
            }
        }

        var recids = documents.Where(d => d.Recid is not null && !_records.ContainsKey(d.Recid)).Select(d => d.Recid!).Distinct(StringComparer.Ordinal).ToList();
        if (recids.Count > 0)
        {
            foreach (var known in await CatalogKeys.RecordIdsOf(context, recids).ToListAsync(cancellationToken))
            {
                _records[known.ExternalId] = known.Id;
            }

            var added = documents.Where(d => d.Recid is not null && !_records.ContainsKey(d.Recid))
                .GroupBy(d => d.Recid!, StringComparer.Ordinal)
                .Select(g => new Record { ExternalId = g.Key, ParentExternalId = g.Select(d => d.ParentRecid).FirstOrDefault(p => p is not null) })
                .ToList();
            if (added.Count > 0)
            {
                context.Records.AddRange(added);
                await context.SaveChangesAsync(cancellationToken);
                added.ForEach(r => _records[r.ExternalId] = r.Id);
            }
        }

        // InvenioRDM's downloads carry both: the map learns the bucket for contrib documents of the same record.
        var learned = documents.Where(d => d.Recid is not null && d.BucketId is not null && !_buckets.ContainsKey(d.BucketId))
            .GroupBy(d => d.BucketId!, StringComparer.Ordinal)
            .Select(g => new RecordBucket { BucketId = g.Key, RecordId = _records[g.First().Recid!], Source = "import", LearnedAt = now })
            .ToList();
        if (learned.Count > 0)
        {
            context.RecordBuckets.AddRange(learned);
            await context.SaveChangesAsync(cancellationToken);
            learned.ForEach(b => _buckets[b.BucketId] = b.RecordId);
        }

        var files = new HashSet<(int RecordId, string Key)>();
        foreach (var d in documents)
        {
            var recordId = d.Recid is { } recid ? _records[recid] : _buckets.GetValueOrDefault(d.BucketId!);
            if (recordId != 0 && d.FileKey is { } key && !_files.ContainsKey((recordId, key)))
            {
                files.Add((recordId, key));
            }
        }

        if (files.Count > 0)
        {
            var recordIds = files.Select(f => f.RecordId).Distinct().ToList();
            var keys = files.Select(f => f.Key).Distinct(StringComparer.Ordinal).ToList();
            foreach (var known in await CatalogKeys.FilesAmong(context, recordIds, keys).ToListAsync(cancellationToken))
            {
                _files[(known.RecordId, known.Key)] = known.Id;
            }

            var added = files.Where(f => !_files.ContainsKey(f)).Select(f => new RecordFile { RecordId = f.RecordId, Key = f.Key }).ToList();
            if (added.Count > 0)
            {
                context.RecordFiles.AddRange(added);
                await context.SaveChangesAsync(cancellationToken);
                added.ForEach(f => _files[(f.RecordId, f.Key)] = f.Id);
            }
        }

        context.ChangeTracker.Clear();
    }

    /// <summary>Inserts the rows, replacing those with the same key, by the fastest path each provider has.</summary>
    private static async Task UpsertAsync(StatsDbContext context, List<ImportedDailyAggregate> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }

        await using var transaction = await context.Database.BeginTransactionAsync(cancellationToken);
        switch (context.Database.GetDbConnection())
        {
            case SqliteConnection sqlite:
                UpsertSqlite(sqlite, rows);
                break;
            case NpgsqlConnection npgsql:
                await UpsertPostgreSqlAsync(npgsql, rows, cancellationToken);
                break;
            default:
                await UpsertTrackedAsync(context, rows, cancellationToken);
                break;
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private const string Columns = "\"Kind\", \"Day\", \"UniqueId\", \"Source\", \"RecordId\", \"FileId\", \"Count\", \"UniqueCount\", \"Volume\", \"ImportedAt\"";

    private const string OnConflict =
        "ON CONFLICT (\"Kind\", \"Day\", \"UniqueId\") DO UPDATE SET \"Source\" = excluded.\"Source\", \"RecordId\" = excluded.\"RecordId\", " +
        "\"FileId\" = excluded.\"FileId\", \"Count\" = excluded.\"Count\", \"UniqueCount\" = excluded.\"UniqueCount\", " +
        "\"Volume\" = excluded.\"Volume\", \"ImportedAt\" = excluded.\"ImportedAt\"";

    /// <summary>One prepared statement through SQLite's C API, values bound by position (as <see cref="AggregateInserter"/> does).</summary>
    private static void UpsertSqlite(SqliteConnection connection, List<ImportedDailyAggregate> rows)
    {
        var handle = connection.Handle ?? throw new InvalidOperationException("The SQLite connection is not open.");
        var sql = $"INSERT INTO \"ImportedDailyAggregates\" ({Columns}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) {OnConflict}";
        var rc = raw.sqlite3_prepare_v2(handle, sql, out var statement);
        SqliteException.ThrowExceptionForRC(rc, handle);
        // The texts EF Core writes and compares for a DateOnly and a DateTime; a batch has few days and one import time.
        var days = new Dictionary<DateOnly, string>();
        var importedAt = new Dictionary<DateTime, string>();
        using (statement)
        {
            foreach (var row in rows)
            {
                Check(raw.sqlite3_bind_int(statement, 1, (int)row.Kind));
                if (!days.TryGetValue(row.Day, out var day))
                {
                    days[row.Day] = day = row.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                }

                if (!importedAt.TryGetValue(row.ImportedAt, out var at))
                {
                    importedAt[row.ImportedAt] = at = row.ImportedAt.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);
                }

                Check(raw.sqlite3_bind_text(statement, 2, day));
                Check(raw.sqlite3_bind_text(statement, 3, row.UniqueId));
                Check(raw.sqlite3_bind_text(statement, 4, row.Source));
                Check(raw.sqlite3_bind_int(statement, 5, row.RecordId));
                Check(raw.sqlite3_bind_int(statement, 6, row.FileId));
                Check(raw.sqlite3_bind_int(statement, 7, row.Count));
                Check(raw.sqlite3_bind_int(statement, 8, row.UniqueCount));
                Check(raw.sqlite3_bind_int64(statement, 9, row.Volume));
                Check(raw.sqlite3_bind_text(statement, 10, at));
                rc = raw.sqlite3_step(statement);
                if (rc != raw.SQLITE_DONE)
                {
                    SqliteException.ThrowExceptionForRC(rc, handle);
                }

                raw.sqlite3_reset(statement);
            }
        }

        void Check(int result) => SqliteException.ThrowExceptionForRC(result, handle);
    }

    /// <summary>One statement for the batch: the columns as arrays, unnested into rows.</summary>
    private static async Task UpsertPostgreSqlAsync(NpgsqlConnection connection, List<ImportedDailyAggregate> rows, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText =
            $"INSERT INTO \"ImportedDailyAggregates\" ({Columns}) SELECT * FROM unnest(@kind, @day, @id, @source, @record, @file, @count, @unique, @volume, @at) {OnConflict}";
        command.Parameters.Add(new NpgsqlParameter("kind", NpgsqlDbType.Array | NpgsqlDbType.Smallint) { Value = rows.Select(r => (short)r.Kind).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("day", NpgsqlDbType.Array | NpgsqlDbType.Date) { Value = rows.Select(r => r.Day).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("id", NpgsqlDbType.Array | NpgsqlDbType.Varchar) { Value = rows.Select(r => r.UniqueId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("source", NpgsqlDbType.Array | NpgsqlDbType.Varchar) { Value = rows.Select(r => r.Source).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("record", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = rows.Select(r => r.RecordId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("file", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = rows.Select(r => r.FileId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("count", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = rows.Select(r => r.Count).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("unique", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = rows.Select(r => r.UniqueCount).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("volume", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = rows.Select(r => r.Volume).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("at", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = rows.Select(r => r.ImportedAt).ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>SQL Server: the stored rows of the batch's keys read back and updated, the others added.</summary>
    private static async Task UpsertTrackedAsync(StatsDbContext context, List<ImportedDailyAggregate> rows, CancellationToken cancellationToken)
    {
        var days = rows.Select(r => r.Day).Distinct().ToList();
        var ids = rows.Select(r => r.UniqueId).Distinct(StringComparer.Ordinal).ToList();
        // A superset of the keys (day among the days, id among the ids), narrowed here.
        var stored = await StoredAmong(context, days, ids).ToDictionaryAsync(a => (a.Kind, a.Day, a.UniqueId), cancellationToken);
        foreach (var row in rows)
        {
            if (stored.TryGetValue((row.Kind, row.Day, row.UniqueId), out var existing))
            {
                context.Entry(existing).CurrentValues.SetValues(row);
            }
            else
            {
                context.ImportedDailyAggregates.Add(row);
            }
        }

        await context.SaveChangesAsync(cancellationToken);
        context.ChangeTracker.Clear();
    }

    /// <summary>Exposed for the translation tests of every provider.</summary>
    internal static IQueryable<ImportedDailyAggregate> StoredAmong(StatsDbContext context, IReadOnlyCollection<DateOnly> days, IReadOnlyCollection<string> ids) =>
        context.ImportedDailyAggregates.Where(a => days.Contains(a.Day) && ids.Contains(a.UniqueId));

    /// <summary>One file's import: the batch being stored while the next is read, and the days touched.</summary>
    internal sealed class Run(ImportedAggregateWriter writer, string source, FileImportReport report)
    {
        private readonly HashSet<DateOnly> _days = [];
        private Task<(int Stored, Dictionary<string, long> Skipped, HashSet<DateOnly> Days)>? _storing;
        private StatsDbContext? _context;

        public FileImportReport Report { get; } = report;

        /// <summary>Documents handed to the store so far.</summary>
        public long Sent { get; private set; }

        /// <summary>Starts storing a batch once the previous one is stored: the next batch is read meanwhile.</summary>
        public async Task SendAsync(List<AggregateDocument> documents, CancellationToken cancellationToken)
        {
            await WaitAsync();
            if (documents.Count == 0)
            {
                return;
            }

            Sent += documents.Count;
            _context ??= await writer.OpenAsync(cancellationToken);
            var context = _context;
            // On a thread of its own: SQLite's statements complete synchronously, and the reader must go on meanwhile.
            // Batches are stored one after the other, so they can share the run's context.
            _storing = Task.Run(() => writer.StoreAsync(context, source, documents, cancellationToken), cancellationToken);
        }

        /// <summary>Waits for the last batch and derives the days touched; called however the file ends.</summary>
        public async Task CompleteAsync(CancellationToken cancellationToken)
        {
            try
            {
                await WaitAsync();
                if (_context is { } context)
                {
                    await writer.RebuildAsync(context, _days, cancellationToken);
                }
            }
            finally
            {
                if (_context is { } context)
                {
                    _context = null;
                    await BulkContext.CloseAsync(context);
                }
            }
        }

        private async Task WaitAsync()
        {
            if (_storing is not { } storing)
            {
                return;
            }

            _storing = null;
            var (stored, skipped, days) = await storing;
            Report.Imported += stored;
            foreach (var (reason, count) in skipped)
            {
                Report.Skip(reason, count);
            }

            _days.UnionWith(days);
        }
    }
}
