using Stats.Core.Data;

namespace Stats.Core.Import.Aggregates;

/// <summary>
/// One day of one record's views or one file's downloads as a dump or a CSV row gives it, before its record and file are
/// found in the catalog. A download names its record by recid or, in invenio-stats' contrib indices, by bucket only.
/// </summary>
/// <param name="Line">The line it was read from, for the report.</param>
/// <param name="UniqueId">The source's key of the document within its kind and day: importing it again replaces it.</param>
public sealed record AggregateDocument(
    long Line, ImportedKind Kind, DateOnly Day, string UniqueId, string? Recid, string? ParentRecid, string? BucketId, string? FileKey,
    int Count, int UniqueCount, long Volume);

/// <summary>Turns the lines of one file into <see cref="AggregateDocument"/>s; one instance reads one file.</summary>
public interface IAggregateLineReader
{
    /// <summary>Adds the documents of one line to <paramref name="documents"/>; returns why the line is bad, or null.</summary>
    /// <param name="bad">Where a line holding several documents reports those that are bad, each with its reason.</param>
    string? Read(ReadOnlySpan<byte> line, long number, List<AggregateDocument> documents, List<BadLine> bad);

    /// <summary>A line left unfinished when the file ended (a bulk action without its source), or null.</summary>
    BadLine? Finish();
}
