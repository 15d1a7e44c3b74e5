using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Stats.Core.Catalog;
using Stats.Core.Data;
using Stats.Core.Events;

namespace Stats.Core.Ingestion;

/// <summary>
/// Turns the strings of incoming events (recid, file key, community, labels) into the integer keys raw events
/// carry, creating catalog rows on first sight, and applies lifecycle events to the record catalog. Ids are cached
/// for good only once the transaction that created them commits. Used by the single writer, except
/// <see cref="FindStoredSources"/>, which reads the caches from the threads that queue batches; the look-ups it shares
/// with the queries are <see cref="CatalogKeys"/>.
/// </summary>
internal sealed class CatalogResolver
{
    private readonly ConcurrentDictionary<string, int> _recordIds = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _communityIds = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(int RecordId, string Key), int> _fileIds = new();
    // By kind, then by value: a string key alone is hashed faster than a (kind, value) tuple, and the three source
    // labels are looked up for nearly every event.
    private readonly ConcurrentDictionary<string, int>[] _labelIds =
        [.. Enumerable.Range(0, (int)Enum.GetValues<LabelKind>().Max() + 1).Select(_ => new ConcurrentDictionary<string, int>(StringComparer.Ordinal))];
    private readonly ConcurrentDictionary<string, int> _bucketRecords = new(StringComparer.Ordinal);
    // The stored organisation labels by their index in the ASN table (EventSources.OrganisationIndex): an array read
    // instead of hashing an organisation's name for nearly every event. Filled from the committed ids above by the
    // threads that queue batches; a slot holds its label's text, so an index of another table can never give a wrong id.
    private StoredLabel?[] _organisationsByIndex = [];

    /// <summary>Resolves the keys of every row in one transaction's worth of events.</summary>
    public async Task<Additions> ResolveAsync(StatsDbContext context, IReadOnlyList<IncomingEvent> events, IReadOnlyList<RawEvent> rows, CancellationToken cancellationToken)
    {
        var created = new Additions();
        await PrefetchAsync(context, events, rows, created, cancellationToken);
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

            if (EventCatalog.Find(e.Type) is { } definition)
            {
                row.SubjectId = await LabelIdAsync(context, definition.Subject, e, created, cancellationToken);
                row.DetailId = await LabelIdAsync(context, definition.Detail, e, created, cancellationToken);
            }

            if (row.Sources is { } sources)
            {
                // The prefetch set the labels it knew and created the others: no round trip per event here.
                row.OrganisationId ??= CreatedLabelId(LabelKind.Organisation, sources.Organisation, created);
                row.ReferrerId ??= CreatedLabelId(LabelKind.Referrer, sources.Referrer, created);
                row.AgentId ??= CreatedLabelId(LabelKind.Agent, sources.Agent, created);
            }
        }

        return created;
    }

    /// <summary>
    /// Looks up, and creates where missing, every record, community, label and file the events name that is not
    /// cached yet: a few set queries and inserts per transaction instead of a round trip per new name. After this,
    /// the per-event lookups below find everything in memory.
    /// </summary>
    private async Task PrefetchAsync(
        StatsDbContext context, IReadOnlyList<IncomingEvent> events, IReadOnlyList<RawEvent> rows, Additions created, CancellationToken cancellationToken)
    {
        var newRecords = new Dictionary<string, string?>(StringComparer.Ordinal);
        var newCommunities = new HashSet<string>(StringComparer.Ordinal);
        var newLabels = new HashSet<(LabelKind Kind, string Value)>();
        foreach (var e in events)
        {
            if (!string.IsNullOrEmpty(e.Recid) && !_recordIds.ContainsKey(e.Recid))
            {
                newRecords.TryAdd(e.Recid, e.ParentRecid);
            }

            foreach (var community in (e.Communities ?? []).Append(e.Community))
            {
                if (!string.IsNullOrEmpty(community) && !_communityIds.ContainsKey(community))
                {
                    newCommunities.Add(community);
                }
            }

            foreach (var label in LabelsOf(e))
            {
                if (!_labelIds[(int)label.Kind].ContainsKey(label.Value))
                {
                    newLabels.Add(label);
                }
            }
        }

        // Three labels on nearly every event, nearly always found stored by the caller (FindStoredSources): the writer
        // looks up only those that were new then. Set again at each attempt, from committed ids only.
        foreach (var row in rows)
        {
            if (row.Sources is { } sources)
            {
                var stored = sources.StoredIds;
                row.OrganisationId = stored.Organisation ?? KnownLabelId(LabelKind.Organisation, sources.Organisation, newLabels);
                row.ReferrerId = stored.Referrer ?? KnownLabelId(LabelKind.Referrer, sources.Referrer, newLabels);
                row.AgentId = stored.Agent ?? KnownLabelId(LabelKind.Agent, sources.Agent, newLabels);
            }
        }

        if (newRecords.Count > 0)
        {
            foreach (var found in await CatalogKeys.RecordIdsOf(context, [.. newRecords.Keys]).ToListAsync(cancellationToken))
            {
                created.Records[found.ExternalId] = found.Id;
            }

            var records = newRecords.Where(r => !created.Records.ContainsKey(r.Key))
                .Select(r => new Record { ExternalId = r.Key, ParentExternalId = r.Value }).ToList();
            await CatalogRowInserter.InsertRecordsAsync(context, records, cancellationToken);
            records.ForEach(r => created.Records[r.ExternalId] = r.Id);
        }

        if (newCommunities.Count > 0)
        {
            foreach (var found in await CatalogKeys.CommunityIdsOf(context, [.. newCommunities]).ToListAsync(cancellationToken))
            {
                created.Communities[found.ExternalId] = found.Id;
            }

            var communities = newCommunities.Where(c => !created.Communities.ContainsKey(c)).Select(c => new Community { ExternalId = c }).ToList();
            context.Communities.AddRange(communities);
            await context.SaveChangesAsync(cancellationToken);
            communities.ForEach(c => created.Communities[c.ExternalId] = c.Id);
        }

        if (newLabels.Count > 0)
        {
            foreach (var found in await CatalogKeys.LabelsAmong(context, [.. newLabels.Select(l => l.Value).Distinct()]).ToListAsync(cancellationToken))
            {
                if (newLabels.Contains((found.Kind, found.Value)))
                {
                    created.Labels[(found.Kind, found.Value)] = found.Id;
                }
            }

            var labels = newLabels.Where(l => !created.Labels.ContainsKey(l)).Select(l => new Label { Kind = l.Kind, Value = l.Value }).ToList();
            await CatalogRowInserter.InsertLabelsAsync(context, labels, cancellationToken);
            labels.ForEach(l => created.Labels[(l.Kind, l.Value)] = l.Id);
        }

        var newFiles = new Dictionary<(int RecordId, string Key), long?>();
        foreach (var e in events.Where(e => !string.IsNullOrEmpty(e.Recid) && !string.IsNullOrEmpty(e.FileKey)))
        {
            var recordId = _recordIds.TryGetValue(e.Recid!, out var cached) ? cached : created.Records[e.Recid!];
            if (!_fileIds.ContainsKey((recordId, e.FileKey!)))
            {
                newFiles.TryAdd((recordId, e.FileKey!), e.Size);
            }
        }

        if (newFiles.Count > 0)
        {
            var recordIds = newFiles.Keys.Select(f => f.RecordId).Distinct().ToList();
            var keys = newFiles.Keys.Select(f => f.Key).Distinct().ToList();
            foreach (var found in await CatalogKeys.FilesAmong(context, recordIds, keys).ToListAsync(cancellationToken))
            {
                if (newFiles.ContainsKey((found.RecordId, found.Key)))
                {
                    created.Files[(found.RecordId, found.Key)] = found.Id;
                }
            }

            var files = newFiles.Where(f => !created.Files.ContainsKey(f.Key))
                .Select(f => new RecordFile { RecordId = f.Key.RecordId, Key = f.Key.Key, Size = f.Value }).ToList();
            await CatalogRowInserter.InsertFilesAsync(context, files, cancellationToken);
            files.ForEach(f => created.Files[(f.RecordId, f.Key)] = f.Id);
        }

        await LearnBucketsAsync(context, events, created, cancellationToken);

        // The writer's context lives for a whole group: what it tracks, every later SaveChanges scans.
        context.ChangeTracker.Clear();
    }

    /// <summary>
    /// Records which record each bucket named beside a recid belongs to (<see cref="RecordBucket"/>). A bucket belongs
    /// to one record for good, so a pairing already stored is kept as it is.
    /// </summary>
    private async Task LearnBucketsAsync(StatsDbContext context, IReadOnlyList<IncomingEvent> events, Additions created, CancellationToken cancellationToken)
    {
        var newBuckets = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var e in events.Where(e => !string.IsNullOrEmpty(e.BucketId) && !string.IsNullOrEmpty(e.Recid)))
        {
            if (!_bucketRecords.ContainsKey(e.BucketId!))
            {
                newBuckets.TryAdd(e.BucketId!, _recordIds.TryGetValue(e.Recid!, out var cached) ? cached : created.Records[e.Recid!]);
            }
        }

        if (newBuckets.Count == 0)
        {
            return;
        }

        var bucketIds = newBuckets.Keys.ToList();
        foreach (var found in await context.RecordBuckets.AsNoTracking().Where(b => bucketIds.Contains(b.BucketId)).ToListAsync(cancellationToken))
        {
            created.Buckets[found.BucketId] = found.RecordId;
        }

        var learnedAt = DateTime.UtcNow;
        var buckets = newBuckets.Where(b => !created.Buckets.ContainsKey(b.Key))
            .Select(b => new RecordBucket { BucketId = b.Key, RecordId = b.Value, Source = "events", LearnedAt = learnedAt }).ToList();
        await CatalogRowInserter.InsertBucketsAsync(context, buckets, cancellationToken);
        buckets.ForEach(b => created.Buckets[b.BucketId] = b.RecordId);
    }

    /// <summary>The labels an event points at: the fields its type keeps as labels (<see cref="EventDefinition.Subject"/>, <see cref="EventDefinition.Detail"/>).</summary>
    private static IEnumerable<(LabelKind Kind, string Value)> LabelsOf(IncomingEvent e)
    {
        if (EventCatalog.Find(e.Type) is not { } definition)
        {
            yield break;
        }

        foreach (var label in (LabelField?[])[definition.Subject, definition.Detail])
        {
            if (label is not null && e.ValueOf(label.Field) is string { Length: > 0 } value)
            {
                yield return (label.Kind, value);
            }
        }
    }

    /// <summary>Keeps what a committed transaction created.</summary>
    public void Publish(Additions created)
    {
        foreach (var (k, v) in created.Records)
        {
            _recordIds[k] = v;
        }

        foreach (var (k, v) in created.Communities)
        {
            _communityIds[k] = v;
        }

        foreach (var (k, v) in created.Files)
        {
            _fileIds[k] = v;
        }

        foreach (var (k, v) in created.Labels)
        {
            _labelIds[(int)k.Kind][k.Value] = v;
        }

        foreach (var (k, v) in created.Buckets)
        {
            _bucketRecords[k] = v;
        }
    }

    private async Task ApplyLifecycleAsync(StatsDbContext context, IReadOnlyList<IncomingEvent> events, Additions created, CancellationToken cancellationToken)
    {
        var lifecycle = events.Where(e => EventCatalog.IsLifecycle(e.Type)).OrderBy(e => e.Timestamp).ToList();
        foreach (var e in lifecycle)
        {
            var id = await RecordIdAsync(context, e.Recid!, e.ParentRecid, created, cancellationToken);
            var record = await RecordWithCommunities(context, id).FirstAsync(cancellationToken);
            var timestamp = e.Timestamp.UtcDateTime;
            var state = new RecordState(timestamp)
            {
                ParentRecid = e.ParentRecid,
                OwnerId = e.OwnerId,
                Title = e.Title,
                ResourceType = e.ResourceType,
                AccessRight = Enum.TryParse<AccessRight>(e.AccessRight, ignoreCase: true, out var access) && Enum.IsDefined(access) ? access : null,
                PublishedAt = e.Type == EventCatalog.RecordPublished ? timestamp : null,
                Deleted = e.Type == EventCatalog.RecordDeleted,
            };
            if (!state.ApplyTo(record))
            {
                continue;
            }

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

        if (lifecycle.Count > 0)
        {
            await context.SaveChangesAsync(cancellationToken);
        }
    }

    private async Task<int> RecordIdAsync(StatsDbContext context, string recid, string? parentRecid, Additions created, CancellationToken cancellationToken)
    {
        if (_recordIds.TryGetValue(recid, out var id) || created.Records.TryGetValue(recid, out id))
        {
            return id;
        }

        id = await CatalogKeys.RecordIdOf(context, recid).FirstOrDefaultAsync(cancellationToken);
        if (id == 0)
        {
            // A record seen in usage before its lifecycle event: a catalog stub, filled in when the record is published.
            var record = new Record { ExternalId = recid, ParentExternalId = parentRecid };
            await InsertAsync(context, record, cancellationToken);
            id = record.Id;
        }

        created.Records[recid] = id;
        return id;
    }

    private async Task<int> FileIdAsync(StatsDbContext context, int recordId, string key, long? size, Additions created, CancellationToken cancellationToken)
    {
        if (_fileIds.TryGetValue((recordId, key), out var id) || created.Files.TryGetValue((recordId, key), out id))
        {
            return id;
        }

        id = await CatalogKeys.FileIdOf(context, recordId, key).FirstOrDefaultAsync(cancellationToken);
        if (id == 0)
        {
            var file = new RecordFile { RecordId = recordId, Key = key, Size = size };
            await InsertAsync(context, file, cancellationToken);
            id = file.Id;
        }

        created.Files[(recordId, key)] = id;
        return id;
    }

    private async Task<int> CommunityIdAsync(StatsDbContext context, string external, Additions created, CancellationToken cancellationToken)
    {
        if (_communityIds.TryGetValue(external, out var id) || created.Communities.TryGetValue(external, out id))
        {
            return id;
        }

        id = await CatalogKeys.CommunityIdOf(context, external).FirstOrDefaultAsync(cancellationToken);
        if (id == 0)
        {
            var community = new Community { ExternalId = external };
            await InsertAsync(context, community, cancellationToken);
            id = community.Id;
        }

        created.Communities[external] = id;
        return id;
    }

    /// <summary>
    /// Gives rows their catalog keys from the committed caches, on the thread that queues the batch: true for each row
    /// that got all its keys (as nearly every row does once the catalog is known), whose keys the writer then leaves as
    /// they are. A row false is the writer's to resolve (it may hold some keys, which the writer sets again). An event
    /// with lifecycle changes is always the writer's: it changes the catalog.
    /// </summary>
    public bool[] ResolveStored(IReadOnlyList<IncomingEvent> events, IReadOnlyList<RawEvent> rows)
    {
        FindStoredSources(rows);
        var resolved = new bool[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            resolved[i] = TryStoredKeys(events[i], rows[i]);
        }

        return resolved;
    }

    private bool TryStoredKeys(IncomingEvent e, RawEvent row)
    {
        if (EventCatalog.IsLifecycle(e.Type) || e.Communities is { Count: > 0 })
        {
            return false;
        }

        if (!string.IsNullOrEmpty(e.Recid))
        {
            if (!_recordIds.TryGetValue(e.Recid, out var recordId))
            {
                return false;
            }

            row.RecordId = recordId;
            if (!string.IsNullOrEmpty(e.FileKey))
            {
                if (!_fileIds.TryGetValue((recordId, e.FileKey), out var fileId))
                {
                    return false;
                }

                row.FileId = fileId;
            }

            // A bucket named beside its record is learned by the writer the first time.
            if (!string.IsNullOrEmpty(e.BucketId) && !_bucketRecords.ContainsKey(e.BucketId))
            {
                return false;
            }
        }

        if (!string.IsNullOrEmpty(e.Community))
        {
            if (!_communityIds.TryGetValue(e.Community, out var communityId))
            {
                return false;
            }

            row.CommunityId = communityId;
        }

        if (EventCatalog.Find(e.Type) is { } definition)
        {
            if (!TryStoredLabelId(definition.Subject, e, out var subject) || !TryStoredLabelId(definition.Detail, e, out var detail))
            {
                return false;
            }

            row.SubjectId = subject;
            row.DetailId = detail;
        }

        if (row.Sources is { } sources)
        {
            var stored = sources.StoredIds;
            if ((stored.Organisation is null && !string.IsNullOrEmpty(sources.Organisation))
                || (stored.Referrer is null && !string.IsNullOrEmpty(sources.Referrer))
                || (stored.Agent is null && !string.IsNullOrEmpty(sources.Agent)))
            {
                return false;
            }

            (row.OrganisationId, row.ReferrerId, row.AgentId) = stored;
        }

        return true;
    }

    /// <summary>The stored id of an event's label in <paramref name="field"/> (null for none); false when it is not stored yet.</summary>
    private bool TryStoredLabelId(LabelField? field, IncomingEvent e, out int? id)
    {
        id = null;
        if (field is null || e.ValueOf(field.Field) is not string { Length: > 0 } value)
        {
            return true;
        }

        if (!_labelIds[(int)field.Kind].TryGetValue(value, out var stored))
        {
            return false;
        }

        id = stored;
        return true;
    }

    /// <summary>
    /// Notes on each row's sources the ids of the labels already stored. Called on the thread that queues a batch, beside
    /// the writer thread: the caches only ever hold committed ids, and they are safe to read concurrently.
    /// </summary>
    private void FindStoredSources(IReadOnlyList<RawEvent> rows)
    {
        foreach (var row in rows)
        {
            if (row.Sources is { } sources)
            {
                sources.StoredIds = (StoredOrganisationId(sources),
                    StoredLabelId(LabelKind.Referrer, sources.Referrer), StoredLabelId(LabelKind.Agent, sources.Agent));
            }
        }
    }

    /// <summary>The id of an event's organisation label if it is stored: by its index in the ASN table where it has one.</summary>
    private int? StoredOrganisationId(Enrichment.EventSources sources)
    {
        var index = sources.OrganisationIndex;
        var byIndex = _organisationsByIndex;
        if (index >= 0 && index < byIndex.Length && byIndex[index] is { } known && ReferenceEquals(known.Value, sources.Organisation))
        {
            return known.Id;
        }

        var id = StoredLabelId(LabelKind.Organisation, sources.Organisation);
        if (id is not null && index >= 0)
        {
            // Threads that grow the array at once may each drop the other's new slot: it is found by name again next time.
            if (index >= byIndex.Length)
            {
                Array.Resize(ref byIndex, Math.Max(index + 1, byIndex.Length * 2));
                _organisationsByIndex = byIndex;
            }

            byIndex[index] = new StoredLabel(sources.Organisation!, id.Value);
        }

        return id;
    }

    private int? StoredLabelId(LabelKind kind, string? value) =>
        !string.IsNullOrEmpty(value) && _labelIds[(int)kind].TryGetValue(value, out var id) ? id : null;

    /// <summary>The id of a label already stored; null for none or a new label, which joins <paramref name="newLabels"/>.</summary>
    private int? KnownLabelId(LabelKind kind, string? value, HashSet<(LabelKind Kind, string Value)> newLabels)
    {
        if (StoredLabelId(kind, value) is { } id)
        {
            return id;
        }

        if (!string.IsNullOrEmpty(value))
        {
            newLabels.Add((kind, value));
        }

        return null;
    }

    /// <summary>The id of a label the prefetch created (or found stored by another writer); null for none.</summary>
    private static int? CreatedLabelId(LabelKind kind, string? value, Additions created) =>
        string.IsNullOrEmpty(value) ? null : created.Labels[(kind, value)];

    private async Task<int?> LabelIdAsync(StatsDbContext context, LabelField? field, IncomingEvent e, Additions created, CancellationToken cancellationToken)
    {
        return field is null ? null : await LabelIdAsync(context, field.Kind, e.ValueOf(field.Field) as string, created, cancellationToken);
    }

    private async Task<int?> LabelIdAsync(StatsDbContext context, LabelKind kind, string? value, Additions created, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (_labelIds[(int)kind].TryGetValue(value, out var id) || created.Labels.TryGetValue((kind, value), out id))
        {
            return id;
        }

        id = await CatalogKeys.LabelIdOf(context, kind, value).FirstOrDefaultAsync(cancellationToken);
        if (id == 0)
        {
            var label = new Label { Kind = kind, Value = value };
            await InsertAsync(context, label, cancellationToken);
            id = label.Id;
        }

        created.Labels[(kind, value)] = id;
        return id;
    }

    /// <summary>
    /// Inserts a catalog row at once, so that its id is known, and stops tracking it: the writer's context lives for a
    /// whole group, and every SaveChanges scans what the context tracks, so keeping thousands of new rows tracked made
    /// a group full of first-seen records quadratic.
    /// </summary>
    private static async Task InsertAsync<T>(StatsDbContext context, T entity, CancellationToken cancellationToken)
        where T : class
    {
        context.Add(entity);
        await context.SaveChangesAsync(cancellationToken);
        context.Entry(entity).State = EntityState.Detached;
    }

    // The writer's own look-ups (the keys are CatalogKeys'), exposed for the translation tests of every provider.

    internal static IQueryable<Record> RecordWithCommunities(StatsDbContext context, int recordId) =>
        context.Records.Include(r => r.Communities).Where(r => r.Id == recordId);

    internal static IQueryable<Community> CommunityById(StatsDbContext context, int communityId) =>
        context.Communities.Where(c => c.Id == communityId);

    /// <summary>A label's text and the id it was stored with.</summary>
    private sealed record StoredLabel(string Value, int Id);

    /// <summary>Catalog ids created inside the current transaction.</summary>
    internal sealed class Additions
    {
        public Dictionary<string, int> Records { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, int> Communities { get; } = new(StringComparer.Ordinal);

        public Dictionary<(int RecordId, string Key), int> Files { get; } = [];

        public Dictionary<(LabelKind Kind, string Value), int> Labels { get; } = [];

        public Dictionary<string, int> Buckets { get; } = new(StringComparer.Ordinal);
    }
}
