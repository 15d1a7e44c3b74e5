using Microsoft.EntityFrameworkCore;
using Stats.Core.Data;

namespace Stats.Core.Aggregation;

/// <summary>What the aggregator needs to know about a record to count it in wider scopes.</summary>
/// <param name="Concept">The parent_recid of a record that is a version of a concept; null for a record without versions, which is its own concept.</param>
internal sealed record RecordFacts(string? Concept, string? Owner, AccessRight AccessRight, DateOnly? PublishedOn, int[] Communities);

/// <summary>
/// The catalog as one aggregation run sees it: records with their concept, owner and communities, and the labels
/// aggregates point at. Usage is attributed to the communities and owner a record has when its day is aggregated.
/// </summary>
internal sealed class CatalogSnapshot
{
    private readonly Dictionary<int, RecordFacts> _records = [];
    private readonly Dictionary<(LabelKind Kind, string Value), int> _labelIds = [];
    private readonly Dictionary<int, string> _labelValues = [];

    public RecordFacts? Record(int id) => _records.GetValueOrDefault(id);

    /// <summary>The id of a label this snapshot knows (see <see cref="EnsureLabelsAsync"/>).</summary>
    public int LabelId(LabelKind kind, string value) => _labelIds[(kind, value)];

    public string? LabelValue(int id) => _labelValues.GetValueOrDefault(id);

    /// <summary>Loads the records among <paramref name="ids"/> that the snapshot does not know yet (records appear while it runs).</summary>
    public async Task EnsureRecordsAsync(StatsDbContext context, IEnumerable<int> ids, CancellationToken cancellationToken)
    {
        var missing = ids.Where(id => !_records.ContainsKey(id)).Distinct().ToList();
        if (missing.Count == 0)
        {
            return;
        }

        // The whole catalog at first, then only what is new: a handful of queries per run.
        // Filtered before the projection: EF cannot translate a filter on a member of a constructed record.
        var only = _records.Count == 0 ? null : missing;
        var rows = await RecordRows(context, only).ToListAsync(cancellationToken);
        var memberships = (await Memberships(context, only).ToListAsync(cancellationToken)).ToLookup(m => m.RecordId, m => m.CommunityId);
        var first = _records.Count == 0;
        foreach (var r in rows)
        {
            _records[r.Id] = new RecordFacts(
                r.ParentExternalId,
                r.OwnerId,
                r.AccessRight,
                r.PublishedAt is { } published ? DateOnly.FromDateTime(published) : null,
                [.. memberships[r.Id]]);
        }

        // Every concept and owner label the records need, created together: one commit, not one per day that meets a new record.
        var loaded = rows.Select(r => _records[r.Id]).ToList();
        await EnsureLabelsAsync(context, LabelKind.Concept, loaded.Where(r => r.Concept is not null).Select(r => r.Concept!), preload: first, cancellationToken);
        await EnsureLabelsAsync(context, LabelKind.Owner, loaded.Where(r => r.Owner is not null).Select(r => r.Owner!), preload: first, cancellationToken);
    }

    /// <summary>
    /// Makes sure every label among <paramref name="values"/> exists, creating the missing ones; with
    /// <paramref name="preload"/>, reads every label of the kind first.
    /// </summary>
    public async Task EnsureLabelsAsync(StatsDbContext context, LabelKind kind, IEnumerable<string> values, bool preload, CancellationToken cancellationToken)
    {
        var missing = values.Where(v => !_labelIds.ContainsKey((kind, v))).Distinct(StringComparer.Ordinal).ToList();
        if (missing.Count == 0)
        {
            return;
        }

        // With the whole catalog at hand, reading every label of the kind is one query instead of a list of thousands.
        var found = preload ? AllLabelsOfKind(context, kind) : LabelsOfKind(context, kind, missing);
        foreach (var label in await found.ToListAsync(cancellationToken))
        {
            Remember(label);
        }

        var created = missing.Where(v => !_labelIds.ContainsKey((kind, v))).Select(v => new Label { Kind = kind, Value = v }).ToList();
        if (created.Count > 0)
        {
            context.Labels.AddRange(created);
            await context.SaveChangesAsync(cancellationToken);
            created.ForEach(Remember);
        }
    }

    /// <summary>Loads every label of <paramref name="kind"/> (a few: statuses), so that their values can be read.</summary>
    public async Task LoadLabelsAsync(StatsDbContext context, LabelKind kind, CancellationToken cancellationToken)
    {
        foreach (var label in await AllLabelsOfKind(context, kind).ToListAsync(cancellationToken))
        {
            Remember(label);
        }
    }

    private void Remember(Label label)
    {
        _labelIds[(label.Kind, label.Value)] = label.Id;
        _labelValues[label.Id] = label.Value;
    }

    // The snapshot's queries, exposed for the translation tests of every provider.

    /// <summary>Every record, or only those of <paramref name="ids"/>.</summary>
    internal static IQueryable<RecordRow> RecordRows(StatsDbContext context, IReadOnlyCollection<int>? ids = null) =>
        (ids is null ? context.Records : context.Records.Where(r => ids.Contains(r.Id)))
            .Select(r => new RecordRow(r.Id, r.ExternalId, r.ParentExternalId, r.OwnerId, r.AccessRight, r.PublishedAt));

    /// <summary>Every record's communities, or only those of the records of <paramref name="ids"/>.</summary>
    internal static IQueryable<Membership> Memberships(StatsDbContext context, IReadOnlyCollection<int>? ids = null)
    {
        var links = context.Set<Dictionary<string, object>>("RecordCommunities").AsQueryable();
        if (ids is not null)
        {
            links = links.Where(j => ids.Contains(EF.Property<int>(j, "RecordId")));
        }

        return links.Select(j => new Membership(EF.Property<int>(j, "RecordId"), EF.Property<int>(j, "CommunityId")));
    }

    internal static IQueryable<Label> LabelsOfKind(StatsDbContext context, LabelKind kind, IReadOnlyCollection<string> values) =>
        context.Labels.AsNoTracking().Where(l => l.Kind == kind && values.Contains(l.Value));

    internal static IQueryable<Label> AllLabelsOfKind(StatsDbContext context, LabelKind kind) =>
        context.Labels.AsNoTracking().Where(l => l.Kind == kind);

    internal sealed record RecordRow(int Id, string ExternalId, string? ParentExternalId, string? OwnerId, AccessRight AccessRight, DateTime? PublishedAt);

    internal sealed record Membership(int RecordId, int CommunityId);
}
