using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Stats.Core.Counting;
using Stats.Core.Data;
using Stats.Core.Enrichment;
using Stats.Core.Events;

namespace Stats.Core.Ingestion;

/// <summary>What became of one batch.</summary>
public sealed record IngestResult(int Accepted, IReadOnlyList<RejectedEvent> Rejected);

/// <summary>An event of a batch that was not stored, with why.</summary>
public sealed record RejectedEvent(int Index, IReadOnlyList<string> Errors);

/// <summary>
/// The front door of the store: validates, enriches and anonymises events, keeps the record catalog
/// up to date from lifecycle events, and commits a batch in one transaction. After this step no raw IP,
/// user agent, user id or session id exists anywhere.
/// </summary>
public sealed class EventIngestor(
    IDbContextFactory<StatsDbContext> contextFactory,
    UserAgentClassifier classifier,
    CountryResolver countries,
    DailySaltStore salts,
    TimeProvider clock) : IDisposable
{
    // Batches are written one at a time: the catalog lookups below assume no other writer creates the same rows.
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly ConcurrentDictionary<string, int> _recordIds = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _communityIds = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(int RecordId, string Key), int> _fileIds = new();
    private readonly ConcurrentDictionary<(LabelKind Kind, string Value), int> _labelIds = new();

    public async Task<IngestResult> IngestAsync(IReadOnlyList<IncomingEvent> events, CancellationToken cancellationToken = default)
    {
        var rejected = new List<RejectedEvent>();
        var valid = new List<IncomingEvent>(events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            var errors = Validate(events[i]);
            if (errors.Count == 0)
            {
                valid.Add(events[i]);
            }
            else
            {
                rejected.Add(new RejectedEvent(i, errors));
            }
        }

        if (valid.Count == 0)
        {
            return new IngestResult(0, rejected);
        }

        var rows = new List<RawEvent>(valid.Count);
        foreach (var incoming in valid)
        {
            rows.Add(await EnrichAsync(incoming, cancellationToken));
        }

        await _writer.WaitAsync(cancellationToken);
        try
        {
            await WriteAsync(valid, rows, cancellationToken);
        }
        finally
        {
            _writer.Release();
        }

        return new IngestResult(valid.Count, rejected);
    }

    private static List<string> Validate(IncomingEvent e)
    {
        var errors = new List<string>();
        if (!EventCatalog.IsBuiltIn(e.Type))
        {
            errors.Add($"unknown event type '{e.Type}'");
            return errors;
        }

        var needsRecord = e.Type is EventCatalog.RecordView or EventCatalog.FileDownload || EventCatalog.IsLifecycle(e.Type);
        if (needsRecord && string.IsNullOrWhiteSpace(e.Recid))
        {
            errors.Add("field 'recid' is required");
        }

        if (e.Type == EventCatalog.FileDownload && string.IsNullOrWhiteSpace(e.FileKey))
        {
            errors.Add("field 'file_key' is required");
        }

        return errors;
    }

    /// <summary>Turns the identifying fields into flags, a country and salted hashes; keeps nothing else of them.</summary>
    private async Task<RawEvent> EnrichAsync(IncomingEvent e, CancellationToken cancellationToken)
    {
        var timestamp = e.Timestamp.UtcDateTime;
        var traits = classifier.Classify(e.UserAgent);
        if (e.ViaApi)
        {
            traits |= EventTraits.ViaApi;
        }

        if (e.IsPreview)
        {
            traits |= EventTraits.Preview;
        }

        var visitor = CounterIdentity.VisitorKey(e.UserId, e.SessionId, e.IpAddress, e.UserAgent);
        var session = CounterIdentity.SessionKey(e.UserId, e.SessionId, e.IpAddress, e.UserAgent, timestamp);
        byte[]? salt = visitor is null && session is null ? null : await salts.GetAsync(DateOnly.FromDateTime(timestamp), cancellationToken);
        return new RawEvent
        {
            TypeId = EventCatalog.CodeOf(e.Type),
            Timestamp = timestamp,
            Country = countries.CountryOf(e.IpAddress),
            Traits = traits,
            VisitorHash = visitor is null ? null : DailySaltStore.Hash(salt!, visitor),
            SessionHash = session is null ? null : DailySaltStore.Hash(salt!, session),
            Amount = e.Type == EventCatalog.ArchiveSize ? e.Bytes : e.Size,
        };
    }

    private async Task WriteAsync(List<IncomingEvent> events, List<RawEvent> rows, CancellationToken cancellationToken)
    {
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await context.Database.BeginTransactionAsync(cancellationToken);
        var created = new CatalogAdditions();

        await ApplyLifecycleAsync(context, events, created, cancellationToken);
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            var row = rows[i];
            if (!string.IsNullOrEmpty(e.Recid))
            {
                row.RecordId = await RecordIdAsync(context, e.Recid, e.ParentRecid, created, cancellationToken);
                if (!string.IsNullOrEmpty(e.FileKey))
                {
                    row.FileId = await FileIdAsync(context, row.RecordId.Value, e.FileKey, e.Size, created, cancellationToken);
                }
            }

            if (!string.IsNullOrEmpty(e.Community))
            {
                row.CommunityId = await CommunityIdAsync(context, e.Community, created, cancellationToken);
            }

            (row.SubjectId, row.DetailId) = e.Type switch
            {
                EventCatalog.FeatureUsed => (await LabelIdAsync(context, LabelKind.Feature, e.Feature, created, cancellationToken), null),
                _ when e.Type.StartsWith("loan-", StringComparison.Ordinal) => (
                    await LabelIdAsync(context, LabelKind.Document, e.DocumentId, created, cancellationToken),
                    await LabelIdAsync(context, LabelKind.Location, e.Location, created, cancellationToken)),
                _ when e.Type.StartsWith("sip-", StringComparison.Ordinal) => (
                    await LabelIdAsync(context, LabelKind.Sip, e.SipId, created, cancellationToken),
                    await LabelIdAsync(context, LabelKind.Status, e.Status, created, cancellationToken)),
                _ => ((int?)null, (int?)null),
            };
        }

        context.RawEvents.AddRange(rows);
        await MarkDirtyDaysAsync(context, rows, clock.GetUtcNow().UtcDateTime, cancellationToken);
        await context.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        created.Publish(this);
    }

    private async Task ApplyLifecycleAsync(StatsDbContext context, List<IncomingEvent> events, CatalogAdditions created, CancellationToken cancellationToken)
    {
        foreach (var e in events.Where(e => EventCatalog.IsLifecycle(e.Type)).OrderBy(e => e.Timestamp))
        {
            var id = await RecordIdAsync(context, e.Recid!, e.ParentRecid, created, cancellationToken);
            var record = await RecordWithCommunities(context, id).FirstAsync(cancellationToken);
            record.ParentExternalId = e.ParentRecid ?? record.ParentExternalId;
            record.OwnerId = e.OwnerId ?? record.OwnerId;
            record.Title = e.Title ?? record.Title;
            record.ResourceType = e.ResourceType ?? record.ResourceType;
            if (Enum.TryParse<AccessRight>(e.AccessRight, ignoreCase: true, out var access) && Enum.IsDefined(access))
            {
                record.AccessRight = access;
            }

            var timestamp = e.Timestamp.UtcDateTime;
            if (e.Type == EventCatalog.RecordPublished && (record.PublishedAt is null || record.PublishedAt > timestamp))
            {
                record.PublishedAt = timestamp;
            }

            record.DeletedAt = e.Type == EventCatalog.RecordDeleted ? timestamp : record.DeletedAt;
            if (e.Communities is { } communities)
            {
                record.Communities.Clear();
                foreach (var external in communities.Distinct(StringComparer.Ordinal))
                {
                    var communityId = await CommunityIdAsync(context, external, created, cancellationToken);
                    record.Communities.Add(await CommunityById(context, communityId).FirstAsync(cancellationToken));
                }
            }
        }

        await context.SaveChangesAsync(cancellationToken);
    }

    private async Task<int> RecordIdAsync(StatsDbContext context, string recid, string? parentRecid, CatalogAdditions created, CancellationToken cancellationToken)
    {
        if (_recordIds.TryGetValue(recid, out var id) || created.Records.TryGetValue(recid, out id))
        {
            return id;
        }

        id = await RecordIdOf(context, recid).FirstOrDefaultAsync(cancellationToken);
        if (id == 0)
        {
            // A record seen in usage before its lifecycle event: a catalog stub, filled in when the record is published.
            var record = new Record { ExternalId = recid, ParentExternalId = parentRecid };
            context.Records.Add(record);
            await context.SaveChangesAsync(cancellationToken);
            id = record.Id;
        }

        created.Records[recid] = id;
        return id;
    }

    private async Task<int> FileIdAsync(StatsDbContext context, int recordId, string key, long? size, CatalogAdditions created, CancellationToken cancellationToken)
    {
        if (_fileIds.TryGetValue((recordId, key), out var id) || created.Files.TryGetValue((recordId, key), out id))
        {
            return id;
        }

        id = await FileIdOf(context, recordId, key).FirstOrDefaultAsync(cancellationToken);
        if (id == 0)
        {
            var file = new RecordFile { RecordId = recordId, Key = key, Size = size };
            context.RecordFiles.Add(file);
            await context.SaveChangesAsync(cancellationToken);
            id = file.Id;
        }

        created.Files[(recordId, key)] = id;
        return id;
    }

    private async Task<int> CommunityIdAsync(StatsDbContext context, string external, CatalogAdditions created, CancellationToken cancellationToken)
    {
        if (_communityIds.TryGetValue(external, out var id) || created.Communities.TryGetValue(external, out id))
        {
            return id;
        }

        id = await CommunityIdOf(context, external).FirstOrDefaultAsync(cancellationToken);
        if (id == 0)
        {
            var community = new Community { ExternalId = external };
            context.Communities.Add(community);
            await context.SaveChangesAsync(cancellationToken);
            id = community.Id;
        }

        created.Communities[external] = id;
        return id;
    }

    private async Task<int?> LabelIdAsync(StatsDbContext context, LabelKind kind, string? value, CatalogAdditions created, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (_labelIds.TryGetValue((kind, value), out var id) || created.Labels.TryGetValue((kind, value), out id))
        {
            return id;
        }

        id = await LabelIdOf(context, kind, value).FirstOrDefaultAsync(cancellationToken);
        if (id == 0)
        {
            var label = new Label { Kind = kind, Value = value };
            context.Labels.Add(label);
            await context.SaveChangesAsync(cancellationToken);
            id = label.Id;
        }

        created.Labels[(kind, value)] = id;
        return id;
    }

    public void Dispose() => _writer.Dispose();

    /// <summary>Every day an event lands on must be aggregated again, however old it is.</summary>
    private static async Task MarkDirtyDaysAsync(StatsDbContext context, List<RawEvent> rows, DateTime now, CancellationToken cancellationToken)
    {
        var days = rows.Select(r => DateOnly.FromDateTime(r.Timestamp)).Distinct().ToList();
        var known = await DirtyDaysAmong(context, days).ToListAsync(cancellationToken);
        context.DirtyDays.AddRange(days.Except(known).Select(d => new DirtyDay { Day = d, MarkedAt = now }));
    }

    // The lookups of ingestion, one definition each, exposed for the translation tests of every provider.

    internal static IQueryable<int> RecordIdOf(StatsDbContext context, string recid) =>
        context.Records.Where(r => r.ExternalId == recid).Select(r => r.Id);

    internal static IQueryable<Record> RecordWithCommunities(StatsDbContext context, int recordId) =>
        context.Records.Include(r => r.Communities).Where(r => r.Id == recordId);

    internal static IQueryable<Community> CommunityById(StatsDbContext context, int communityId) =>
        context.Communities.Where(c => c.Id == communityId);

    internal static IQueryable<int> CommunityIdOf(StatsDbContext context, string external) =>
        context.Communities.Where(c => c.ExternalId == external).Select(c => c.Id);

    internal static IQueryable<int> FileIdOf(StatsDbContext context, int recordId, string key) =>
        context.RecordFiles.Where(f => f.RecordId == recordId && f.Key == key).Select(f => f.Id);

    internal static IQueryable<int> LabelIdOf(StatsDbContext context, LabelKind kind, string value) =>
        context.Labels.Where(l => l.Kind == kind && l.Value == value).Select(l => l.Id);

    internal static IQueryable<DateOnly> DirtyDaysAmong(StatsDbContext context, IReadOnlyCollection<DateOnly> days) =>
        context.DirtyDays.Where(d => days.Contains(d.Day)).Select(d => d.Day);

    /// <summary>Catalog ids created inside the current transaction: cached for good only once it commits.</summary>
    private sealed class CatalogAdditions
    {
        public Dictionary<string, int> Records { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, int> Communities { get; } = new(StringComparer.Ordinal);

        public Dictionary<(int RecordId, string Key), int> Files { get; } = [];

        public Dictionary<(LabelKind Kind, string Value), int> Labels { get; } = [];

        public void Publish(EventIngestor ingestor)
        {
            foreach (var (k, v) in Records)
            {
                ingestor._recordIds[k] = v;
            }

            foreach (var (k, v) in Communities)
            {
                ingestor._communityIds[k] = v;
            }

            foreach (var (k, v) in Files)
            {
                ingestor._fileIds[k] = v;
            }

            foreach (var (k, v) in Labels)
            {
                ingestor._labelIds[k] = v;
            }
        }
    }
}
