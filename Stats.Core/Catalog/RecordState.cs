using Stats.Core.Data;

namespace Stats.Core.Catalog;

/// <summary>
/// What a lifecycle event or a catalog source says about a record at one instant; a null field says nothing (the
/// record keeps what it has). The one home of the rule that orders record states, for ingestion and catalog sync alike.
/// </summary>
internal sealed record RecordState(DateTime At)
{
    public string? ParentRecid { get; init; }

    public string? OwnerId { get; init; }

    public string? Title { get; init; }

    public string? ResourceType { get; init; }

    public AccessRight? AccessRight { get; init; }

    /// <summary>When the record was published, if this state says so: the earliest such date is kept.</summary>
    public DateTime? PublishedAt { get; init; }

    /// <summary>Whether the record is deleted as of <see cref="At"/>.</summary>
    public bool Deleted { get; init; }

    /// <summary>
    /// Applies this state to <paramref name="record"/> unless the record already holds a newer one, and says whether
    /// it did (the caller then sets the communities this state names). States arrive out of order (an import, a
    /// retry, a catalog sync beside lifecycle events): an older one never overwrites a newer state. The publication
    /// date and a deletion are facts whatever the order, so they are kept either way.
    /// </summary>
    public bool ApplyTo(Record record)
    {
        if (PublishedAt is { } published && (record.PublishedAt is null || record.PublishedAt > published))
        {
            record.PublishedAt = published;
        }

        if (Deleted)
        {
            record.DeletedAt = At;
        }

        if (record.UpdatedAt is { } updated && updated > At)
        {
            return false;
        }

        record.UpdatedAt = At;
        record.ParentExternalId = ParentRecid ?? record.ParentExternalId;
        record.OwnerId = OwnerId ?? record.OwnerId;
        record.Title = Title ?? record.Title;
        record.ResourceType = ResourceType ?? record.ResourceType;
        record.AccessRight = AccessRight ?? record.AccessRight;
        return true;
    }
}
