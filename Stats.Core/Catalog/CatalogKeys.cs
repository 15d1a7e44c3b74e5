using Microsoft.EntityFrameworkCore;
using Stats.Core.Data;

namespace Stats.Core.Catalog;

/// <summary>
/// The catalog's keys: the internal id of a record, community, file or label named by its external id, one definition
/// each. Ingestion reads them before it creates what is missing; the queries read them to find what to sum (an unknown
/// id has no statistics). Exposed for the translation tests of every provider.
/// </summary>
internal static class CatalogKeys
{
    public static IQueryable<int> RecordIdOf(StatsDbContext context, string recid) =>
        context.Records.Where(r => r.ExternalId == recid).Select(r => r.Id);

    public static IQueryable<int> CommunityIdOf(StatsDbContext context, string external) =>
        context.Communities.Where(c => c.ExternalId == external).Select(c => c.Id);

    public static IQueryable<int> FileIdOf(StatsDbContext context, int recordId, string key) =>
        context.RecordFiles.Where(f => f.RecordId == recordId && f.Key == key).Select(f => f.Id);

    public static IQueryable<int> LabelIdOf(StatsDbContext context, LabelKind kind, string value) =>
        context.Labels.Where(l => l.Kind == kind && l.Value == value).Select(l => l.Id);

    public static IQueryable<ExternalKey> RecordIdsOf(StatsDbContext context, IReadOnlyCollection<string> recids) =>
        context.Records.Where(r => recids.Contains(r.ExternalId)).Select(r => new ExternalKey(r.ExternalId, r.Id));

    public static IQueryable<ExternalKey> CommunityIdsOf(StatsDbContext context, IReadOnlyCollection<string> externals) =>
        context.Communities.Where(c => externals.Contains(c.ExternalId)).Select(c => new ExternalKey(c.ExternalId, c.Id));

    /// <summary>Labels of any kind with these values: a superset of the (kind, value) pairs wanted, which the caller filters.</summary>
    public static IQueryable<Label> LabelsAmong(StatsDbContext context, IReadOnlyCollection<string> values) =>
        context.Labels.AsNoTracking().Where(l => values.Contains(l.Value));

    /// <summary>Files of these records with these keys: a superset of the pairs wanted, which the caller filters.</summary>
    public static IQueryable<RecordFile> FilesAmong(StatsDbContext context, IReadOnlyCollection<int> recordIds, IReadOnlyCollection<string> keys) =>
        context.RecordFiles.AsNoTracking().Where(f => recordIds.Contains(f.RecordId) && keys.Contains(f.Key));

    /// <summary>The recid each of these buckets belongs to (<see cref="RecordBucket"/>); a bucket not learned yet is absent.</summary>
    public static IQueryable<BucketRecord> RecordsOfBuckets(StatsDbContext context, IReadOnlyCollection<string> bucketIds) =>
        context.RecordBuckets.Where(b => bucketIds.Contains(b.BucketId))
            .Join(context.Records, b => b.RecordId, r => r.Id, (b, r) => new BucketRecord(b.BucketId, r.ExternalId, r.Id));

    /// <summary>A bucket and the record it belongs to, by external and internal id.</summary>
    public sealed record BucketRecord(string BucketId, string Recid, int RecordId);

    /// <summary>An external id and the internal id it stands for.</summary>
    public sealed record ExternalKey(string ExternalId, int Id);
}
