using Microsoft.EntityFrameworkCore;
using Stats.Core.Aggregation;
using Stats.Core.Catalog;
using Stats.Core.Data;

namespace Stats.Core.Sources.Catalog;

/// <summary>What applying one page changed.</summary>
internal readonly record struct PageChanges(int Changed, int Deleted, int Reattributed);

/// <summary>
/// Applies what a source says to the record catalog, in the caller's transaction, with the rule lifecycle events follow
/// (<see cref="RecordState"/>: an older state never overwrites a newer one). A record whose communities, owner, concept
/// or access right changed is re-attributed: the days that still have its raw events are marked for re-aggregation
/// (older days keep the attribution they were aggregated with).
/// </summary>
internal static class CatalogApplier
{
    public static async Task<PageChanges> ApplyAsync(StatsDbContext context, string source, IReadOnlyList<CatalogEntry> page, DateTime now, CancellationToken cancellationToken)
    {
        // A page may name a record twice (it changed while the pass ran): its newest state is what counts.
        var entries = page.GroupBy(e => e.Recid, StringComparer.Ordinal).Select(g => g.MaxBy(e => e.Updated)!).ToList();
        var recids = entries.Select(e => e.Recid).ToList();
        var records = await RecordsWithCommunities(context, recids).ToDictionaryAsync(r => r.ExternalId, StringComparer.Ordinal, cancellationToken);
        var communities = await CommunitiesAsync(context, entries.SelectMany(e => e.Communities ?? []).Distinct(StringComparer.Ordinal).ToList(), cancellationToken);

        var changed = 0;
        var deleted = 0;
        var reattribute = new List<Record>();
        foreach (var entry in entries)
        {
            var isNew = !records.TryGetValue(entry.Recid, out var record);
            if (record is null)
            {
                record = new Record { ExternalId = entry.Recid };
                context.Records.Add(record);
                records[entry.Recid] = record;
            }

            var before = Attribution.Of(record);
            var wasDeleted = record.DeletedAt is not null;
            var state = new RecordState(entry.Updated)
            {
                ParentRecid = entry.ParentRecid,
                OwnerId = entry.OwnerId,
                Title = entry.Title,
                ResourceType = entry.ResourceType,
                AccessRight = entry.AccessRight,
                PublishedAt = entry.PublishedAt,
                Deleted = entry.Deleted,
            };
            var newer = state.ApplyTo(record);
            if (newer && entry.Communities is { } names)
            {
                var wanted = names.Select(n => communities[n]).ToList();
                if (!record.Communities.Select(c => c.Id).Order().SequenceEqual(wanted.Select(c => c.Id).Order()))
                {
                    record.Communities.Clear();
                    record.Communities.AddRange(wanted);
                }
            }

            if (entry.Deleted && !wasDeleted)
            {
                deleted++;
            }

            if (isNew || context.Entry(record).State == EntityState.Modified || !before.Equals(Attribution.Of(record)))
            {
                changed++;
            }

            if (!isNew && !before.Equals(Attribution.Of(record)))
            {
                reattribute.Add(record);
            }
        }

        await context.SaveChangesAsync(cancellationToken);
        await AddFilesAsync(context, source, entries, records, now, cancellationToken);
        await MarkReattributedDaysAsync(context, [.. reattribute.Select(r => r.Id)], now, cancellationToken);
        // The context lives for a whole pass: what it tracks, every later SaveChanges scans.
        context.ChangeTracker.Clear();
        return new PageChanges(changed, deleted, reattribute.Count);
    }

    /// <summary>Names the communities a source lists, creating those not seen yet (nothing else writes their names).</summary>
    public static async Task ApplyNamesAsync(StatsDbContext context, IReadOnlyList<CommunityName> names, CancellationToken cancellationToken)
    {
        var byId = names.GroupBy(n => n.ExternalId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().Name, StringComparer.Ordinal);
        foreach (var chunk in byId.Keys.Chunk(500))
        {
            var known = await CommunitiesNamed(context, chunk).ToDictionaryAsync(c => c.ExternalId, StringComparer.Ordinal, cancellationToken);
            foreach (var id in chunk)
            {
                if (known.TryGetValue(id, out var community))
                {
                    community.Name = byId[id] ?? community.Name;
                }
                else
                {
                    context.Communities.Add(new Community { ExternalId = id, Name = byId[id] });
                }
            }

            await context.SaveChangesAsync(cancellationToken);
            context.ChangeTracker.Clear();
        }
    }

    private static async Task<Dictionary<string, Community>> CommunitiesAsync(StatsDbContext context, IReadOnlyList<string> externals, CancellationToken cancellationToken)
    {
        var found = await CommunitiesNamed(context, externals).ToDictionaryAsync(c => c.ExternalId, StringComparer.Ordinal, cancellationToken);
        var missing = externals.Where(e => !found.ContainsKey(e)).Select(e => new Community { ExternalId = e }).ToList();
        if (missing.Count > 0)
        {
            context.Communities.AddRange(missing);
            await context.SaveChangesAsync(cancellationToken);
            missing.ForEach(c => found[c.ExternalId] = c);
        }

        return found;
    }

    /// <summary>Adds the files and buckets the source names that the catalog lacks; a bucket already paired keeps its record.</summary>
    private static async Task AddFilesAsync(
        StatsDbContext context, string source, List<CatalogEntry> entries, Dictionary<string, Record> records, DateTime now, CancellationToken cancellationToken)
    {
        var files = entries.SelectMany(e => e.Files.Select(f => (RecordId: records[e.Recid].Id, File: f))).ToList();
        if (files.Count == 0)
        {
            return;
        }

        var recordIds = files.Select(f => f.RecordId).Distinct().ToList();
        var keys = files.Select(f => f.File.Key).Distinct(StringComparer.Ordinal).ToList();
        var known = (await CatalogKeys.FilesAmong(context, recordIds, keys).ToListAsync(cancellationToken)).Select(f => (f.RecordId, f.Key)).ToHashSet();
        foreach (var (recordId, file) in files.DistinctBy(f => (f.RecordId, f.File.Key)))
        {
            if (known.Add((recordId, file.Key)))
            {
                context.RecordFiles.Add(new RecordFile { RecordId = recordId, Key = file.Key, Size = file.Size });
            }
        }

        var buckets = files.Where(f => f.File.BucketId is not null).DistinctBy(f => f.File.BucketId, StringComparer.Ordinal).ToList();
        if (buckets.Count > 0)
        {
            var bucketIds = buckets.Select(b => b.File.BucketId!).ToList();
            var paired = (await CatalogKeys.RecordsOfBuckets(context, bucketIds).Select(b => b.BucketId).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
            context.RecordBuckets.AddRange(buckets.Where(b => !paired.Contains(b.File.BucketId!))
                .Select(b => new RecordBucket { BucketId = b.File.BucketId!, RecordId = b.RecordId, Source = source, LearnedAt = now }));
        }

        await context.SaveChangesAsync(cancellationToken);
    }

    private static async Task MarkReattributedDaysAsync(StatsDbContext context, IReadOnlyList<int> recordIds, DateTime now, CancellationToken cancellationToken)
    {
        if (recordIds.Count == 0)
        {
            return;
        }

        var days = await DaysWithRawEventsOf(context, recordIds).ToListAsync(cancellationToken);
        // No events are added: the days are recomputed, not grown.
        await DirtyDayMarks.MarkAsync(context, days.Select(DateOnly.FromDateTime).Distinct().ToDictionary(d => d, _ => 0L), now, cancellationToken);
    }

    /// <summary>The communities, owner, concept and access right a record's usage is counted under.</summary>
    private sealed record Attribution(string? Parent, string? Owner, AccessRight Access, string Communities)
    {
        public static Attribution Of(Record record) =>
            new(record.ParentExternalId, record.OwnerId, record.AccessRight, string.Join(',', record.Communities.Select(c => c.Id).Order()));
    }

    // The applier's queries, exposed for the translation tests of every provider.

    internal static IQueryable<Record> RecordsWithCommunities(StatsDbContext context, IReadOnlyCollection<string> recids) =>
        context.Records.Include(r => r.Communities).Where(r => recids.Contains(r.ExternalId));

    internal static IQueryable<Community> CommunitiesNamed(StatsDbContext context, IReadOnlyCollection<string> externals) =>
        context.Communities.Where(c => externals.Contains(c.ExternalId));

    /// <summary>The UTC days (as midnights) that still have raw events of these records: purged days have none.</summary>
    internal static IQueryable<DateTime> DaysWithRawEventsOf(StatsDbContext context, IReadOnlyCollection<int> recordIds) =>
        context.RawEvents.Where(e => e.RecordId != null && recordIds.Contains(e.RecordId.Value)).Select(e => e.Timestamp.Date).Distinct();
}
