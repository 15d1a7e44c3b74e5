using Microsoft.EntityFrameworkCore;
using Stats.Core.Catalog;
using Stats.Core.Data;
using Stats.Core.Events;
using Stats.Core.Ingestion;

namespace Stats.Core.Import;

/// <summary>
/// Imported downloads that name a bucket no record is known for yet (invenio-stats' contrib documents have no recid):
/// anonymised at once and kept in <see cref="HeldDownload"/>, then stored as raw events once the bucket → record map
/// (<see cref="CatalogKeys.RecordsOfBuckets"/>) knows their bucket, by any later event, import or catalog source.
/// </summary>
public sealed class HeldDownloads(IDbContextFactory<StatsDbContext> contextFactory, EventIngestor ingestor, TimeProvider clock)
{
    private const int AttachChunk = 5_000;

    /// <summary>Anonymises and keeps these downloads (each with a bucket and an id); returns how many were not held already.</summary>
    public async Task<int> HoldAsync(IReadOnlyList<IncomingEvent> downloads, CancellationToken cancellationToken = default)
    {
        if (downloads.Count == 0)
        {
            return 0;
        }

        var rows = new List<RawEvent>(downloads.Count);
        foreach (var download in downloads)
        {
            rows.Add(await ingestor.AnonymiseAsync(download, cancellationToken));
        }

        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        var hashes = rows.Select(r => r.ClientIdHash!.Value).Distinct().ToList();
        var seen = (await HeldAmong(context, hashes).ToListAsync(cancellationToken)).Select(h => (h.ClientIdHash, h.Timestamp)).ToHashSet();
        var now = clock.GetUtcNow().UtcDateTime;
        var added = 0;
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            if (!seen.Add((row.ClientIdHash!.Value, row.Timestamp)))
            {
                continue;
            }

            context.HeldDownloads.Add(new HeldDownload
            {
                BucketId = downloads[i].BucketId!,
                FileKey = downloads[i].FileKey!,
                Timestamp = row.Timestamp,
                Country = row.Country,
                Traits = row.Traits,
                VisitorHash = row.VisitorHash,
                SessionHash = row.SessionHash,
                PrecedingVisitorHash = row.PrecedingVisitorHash,
                Amount = row.Amount,
                ClientIdHash = row.ClientIdHash.Value,
                HeldAt = now,
            });
            added++;
        }

        await context.SaveChangesAsync(cancellationToken);
        return added;
    }

    /// <summary>Stores as raw events the held downloads whose bucket is known now, and forgets them; returns how many.</summary>
    public async Task<long> AttachAsync(CancellationToken cancellationToken = default)
    {
        long attached = 0;
        var code = EventCatalog.CodeOf(EventCatalog.FileDownload);
        while (true)
        {
            await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
            var chunk = await Attachable(context, AttachChunk).ToListAsync(cancellationToken);
            if (chunk.Count == 0)
            {
                return attached;
            }

            var events = chunk.Select(c => new IncomingEvent
            {
                Type = EventCatalog.FileDownload,
                Timestamp = new DateTimeOffset(DateTime.SpecifyKind(c.Held.Timestamp, DateTimeKind.Utc)),
                Recid = c.Recid,
                FileKey = c.Held.FileKey,
                Size = c.Held.Amount,
            }).ToList();
            var rows = chunk.Select(c => new RawEvent
            {
                TypeId = code,
                Timestamp = DateTime.SpecifyKind(c.Held.Timestamp, DateTimeKind.Utc),
                Country = c.Held.Country,
                Traits = c.Held.Traits,
                VisitorHash = c.Held.VisitorHash,
                SessionHash = c.Held.SessionHash,
                PrecedingVisitorHash = c.Held.PrecedingVisitorHash,
                Amount = c.Held.Amount,
                ClientIdHash = c.Held.ClientIdHash,
            }).ToList();
            // Stored before they are forgotten: a failure in between holds them again, and storing them again is a duplicate.
            // One that the rules refuse now stays held (the summary counts it as still waiting) rather than vanish.
            var result = await ingestor.IngestAnonymisedAsync(events, rows, history: true, cancellationToken);
            var refused = result.Rejected.Select(r => chunk[r.Index].Held.Id).ToHashSet();
            var ids = chunk.Select(c => c.Held.Id).Where(id => !refused.Contains(id)).ToList();
            await context.HeldDownloads.Where(h => ids.Contains(h.Id)).ExecuteDeleteAsync(cancellationToken);
            attached += ids.Count;
            if (refused.Count == chunk.Count)
            {
                return attached;
            }
        }
    }

    /// <summary>How many downloads wait for their bucket.</summary>
    public async Task<long> CountAsync(CancellationToken cancellationToken = default)
    {
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await context.HeldDownloads.LongCountAsync(cancellationToken);
    }

    // The queries, one definition each, exposed for the translation tests of every provider.

    internal static IQueryable<HeldDownload> HeldAmong(StatsDbContext context, IReadOnlyCollection<long> hashes) =>
        context.HeldDownloads.AsNoTracking().Where(h => hashes.Contains(h.ClientIdHash));

    internal static IQueryable<HeldWithRecord> Attachable(StatsDbContext context, int count) =>
        context.HeldDownloads.AsNoTracking()
            .Join(context.RecordBuckets, h => h.BucketId, b => b.BucketId, (h, b) => new { Held = h, b.RecordId })
            .Join(context.Records, x => x.RecordId, r => r.Id, (x, r) => new { x.Held, r.ExternalId })
            .OrderBy(x => x.Held.Id)
            .Take(count)
            .Select(x => new HeldWithRecord(x.Held, x.ExternalId));

    internal sealed record HeldWithRecord(HeldDownload Held, string Recid);
}
