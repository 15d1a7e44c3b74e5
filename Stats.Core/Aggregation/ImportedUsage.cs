using Microsoft.EntityFrameworkCore;
using Stats.Core.Data;

namespace Stats.Core.Aggregation;

/// <summary>
/// Derives the <see cref="AccessMethod.Imported"/> usage rows of days from their <see cref="ImportedDailyAggregate"/>s: per
/// record, file, concept, community and the repository, as the aggregator does for raw events, so that every
/// query over both access methods includes imported history without reading another table. A record-day with computed
/// rows (it has raw events) keeps those alone: raw events win, and nothing is counted twice
/// (docs/decisions/ADR-013-imported-daily-aggregates.md). Runs after every import and after every aggregation of a day.
/// </summary>
internal static class ImportedUsage
{
    /// <summary>How many days are derived at once: a month of a busy repository is a few hundred thousand documents.</summary>
    private const int DaysPerChunk = 31;

    /// <summary>Replaces the imported usage rows of these days, in the caller's transaction if there is one.</summary>
    public static async Task RebuildAsync(StatsDbContext context, CatalogSnapshot catalog, IEnumerable<DateOnly> days, CancellationToken cancellationToken)
    {
        foreach (var chunk in days.Distinct().Order().Chunk(DaysPerChunk))
        {
            await RebuildChunkAsync(context, catalog, chunk, cancellationToken);
        }
    }

    private static async Task RebuildChunkAsync(StatsDbContext context, CatalogSnapshot catalog, DateOnly[] days, CancellationToken cancellationToken)
    {
        await context.UsageDailyStats.Where(s => days.Contains(s.Day) && s.AccessMethod == AccessMethod.Imported).ExecuteDeleteAsync(cancellationToken);
        var documents = await DocumentsOf(context, days).ToListAsync(cancellationToken);
        if (documents.Count == 0)
        {
            return;
        }

        var counted = (await RecordDaysCounted(context, days).ToListAsync(cancellationToken)).ToHashSet();
        var kept = documents.Where(d => !counted.Contains(new RecordDay(d.Day, d.RecordId))).ToList();
        await catalog.EnsureRecordsAsync(context, kept.Select(d => d.RecordId), cancellationToken);
        var sums = new Dictionary<(DateOnly Day, StatScope Scope, int Id), UsageDailyStat>();
        void Add(DateOnly day, StatScope scope, int id, ImportedDocument d)
        {
            if (!sums.TryGetValue((day, scope, id), out var row))
            {
                row = new UsageDailyStat { Day = day, Scope = scope, ScopeId = id, AccessMethod = AccessMethod.Imported };
                sums[(day, scope, id)] = row;
            }

            if (d.Kind == ImportedKind.RecordView)
            {
                row.Views += d.Count;
                row.UniqueViews += d.UniqueCount;
            }
            else
            {
                row.Downloads += d.Count;
                row.UniqueDownloads += d.UniqueCount;
                row.Volume += d.Volume;
            }

            row.Investigations += d.Count;
            row.UniqueInvestigations += d.UniqueCount;
        }

        foreach (var d in kept)
        {
            Add(d.Day, StatScope.Record, d.RecordId, d);
            Add(d.Day, StatScope.Repository, 0, d);
            if (d.Kind == ImportedKind.FileDownload && d.FileId != 0)
            {
                Add(d.Day, StatScope.File, d.FileId, d);
            }

            if (catalog.Record(d.RecordId) is not { } facts)
            {
                continue;
            }

            // As for computed rows, a record without versions is its own concept: only records with a parent get concept rows.
            if (facts.Concept is { } concept)
            {
                Add(d.Day, StatScope.Concept, catalog.LabelId(LabelKind.Concept, concept), d);
            }

            if (facts.Owner is { } owner)
            {
                // No owner rows: an owner's usage is its records' (ADR-016); the label names a known owner.
                catalog.LabelId(LabelKind.Owner, owner);
            }

            foreach (var community in facts.Communities)
            {
                Add(d.Day, StatScope.Community, community, d);
            }
        }

        await AggregateInserter.InsertUsageAsync(context, sums.Values, cancellationToken);
    }

    // The queries, exposed for the translation tests of every provider.

    internal static IQueryable<ImportedDocument> DocumentsOf(StatsDbContext context, IReadOnlyCollection<DateOnly> days) =>
        context.ImportedDailyAggregates
            .Where(a => days.Contains(a.Day))
            .Select(a => new ImportedDocument(a.Kind, a.Day, a.RecordId, a.FileId, a.Count, a.UniqueCount, a.Volume));

    /// <summary>The record-days with computed rows: those whose raw events were aggregated, which win over imports.</summary>
    internal static IQueryable<RecordDay> RecordDaysCounted(StatsDbContext context, IReadOnlyCollection<DateOnly> days) =>
        context.UsageDailyStats
            .Where(s => s.Scope == StatScope.Record && days.Contains(s.Day) && s.AccessMethod != AccessMethod.Imported)
            .Select(s => new RecordDay(s.Day, s.ScopeId))
            .Distinct();

    internal sealed record ImportedDocument(ImportedKind Kind, DateOnly Day, int RecordId, int FileId, int Count, int UniqueCount, long Volume);

    internal sealed record RecordDay(DateOnly Day, int RecordId);
}
