using Stats.Core.Data;

namespace Stats.Core.Sources.Catalog;

/// <summary>A file of a record as a source describes it: its key, size and Invenio bucket when known.</summary>
public sealed record CatalogFile(string Key, long? Size, string? BucketId);

/// <summary>
/// A record as a source describes it at <see cref="Updated"/>; a null field is one the source does not say
/// (<see cref="Communities"/> null: not known, empty: in none).
/// </summary>
public sealed record CatalogEntry(string Recid, DateTime Updated)
{
    public bool Deleted { get; init; }

    public string? ParentRecid { get; init; }

    public string? Title { get; init; }

    public DateTime? PublishedAt { get; init; }

    public string? ResourceType { get; init; }

    public AccessRight? AccessRight { get; init; }

    public IReadOnlyList<string>? Communities { get; init; }

    public string? OwnerId { get; init; }

    public IReadOnlyList<CatalogFile> Files { get; init; } = [];
}

/// <summary>A record the source described so badly that it is skipped, and why.</summary>
public sealed record CatalogProblem(string Record, string Reason);

/// <summary>
/// One page a source answered: its records, the records skipped, where the pass resumes after it, and the latest
/// update time it holds (null when it holds no record).
/// </summary>
public sealed record CatalogPage(IReadOnlyList<CatalogEntry> Entries, IReadOnlyList<CatalogProblem> Problems, string? Cursor, DateTime? LatestUpdate);

/// <summary>A community's id as the catalog keeps it (a slug, a set's name) and its display name.</summary>
public sealed record CommunityName(string ExternalId, string? Name);

/// <summary>A source answered something that is not what its protocol promises, or an error: the pass stops, keeping its position.</summary>
public sealed class CatalogSourceException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Reads a source's catalog, page by page, from a position.</summary>
public interface ICatalogReader
{
    /// <summary>The communities the source has, with their names; the keys of a source's own community ids.</summary>
    Task<IReadOnlyList<CommunityName>> CommunitiesAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The records updated since <paramref name="since"/> (all of them when null), or, with <paramref name="cursor"/>,
    /// the rest of a pass that stopped there.
    /// </summary>
    IAsyncEnumerable<CatalogPage> ReadAsync(DateTime? since, string? cursor, CancellationToken cancellationToken);
}
