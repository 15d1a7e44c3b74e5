namespace Stats.Core.Data;

/// <summary>One run of the <c>import</c> verb: what it read and what became of it, listed on the Admin page.</summary>
public sealed class ImportRun
{
    public long Id { get; set; }

    /// <summary>The format read, as the verb names it (<c>invenio-events</c>, <c>ndjson</c>, ...).</summary>
    public required string Format { get; set; }

    public DateTime StartedAt { get; set; }

    /// <summary>Null while it runs, or when it was interrupted: the next import of the same files resumes it.</summary>
    public DateTime? FinishedAt { get; set; }

    /// <summary>Why it stopped before the end, when it did.</summary>
    public string? Failure { get; set; }

    public long Lines { get; set; }

    public long Imported { get; set; }

    public long Duplicates { get; set; }

    public long Skipped { get; set; }

    public long BadLines { get; set; }

    /// <summary>Downloads whose bucket is not known yet, kept in <see cref="HeldDownload"/>.</summary>
    public long Held { get; set; }

    public List<ImportRunFile> Files { get; set; } = [];
}

/// <summary>One file of an <see cref="ImportRun"/> and how far into it the committed events go.</summary>
public sealed class ImportRunFile
{
    public long Id { get; set; }

    public long ImportRunId { get; set; }

    /// <summary>The file's full path when it was imported.</summary>
    public required string Path { get; set; }

    /// <summary>Its size and a hash of its first bytes: a file changed since the interruption is not resumed.</summary>
    public long Length { get; set; }

    public required string Fingerprint { get; set; }

    /// <summary>Every line up to this one is committed (or reported bad): a resumed run reads on from the next line.</summary>
    public long LinesDone { get; set; }

    public bool Done { get; set; }

    public long Imported { get; set; }

    public long Duplicates { get; set; }

    public long Skipped { get; set; }

    public long BadLines { get; set; }

    public long Held { get; set; }
}

/// <summary>
/// An imported download whose bucket no record is known for yet (invenio-stats' contrib documents name the bucket,
/// not the record): already anonymised, waiting for the bucket → record map to learn the bucket.
/// </summary>
public sealed class HeldDownload
{
    public long Id { get; set; }

    public required string BucketId { get; set; }

    public required string FileKey { get; set; }

    public DateTime Timestamp { get; set; }

    public string? Country { get; set; }

    public EventTraits Traits { get; set; }

    public long? VisitorHash { get; set; }

    public long? SessionHash { get; set; }

    public long? PrecedingVisitorHash { get; set; }

    public long? Amount { get; set; }

    /// <summary>The same id hash the raw event will have: holding or attaching a download twice stores it once.</summary>
    public long ClientIdHash { get; set; }

    public DateTime HeldAt { get; set; }
}
