namespace Stats.Core.Data;

/// <summary>
/// Where a catalog source's sync stands (Stats:Sources:Catalog): the bookmark of the last complete pass, the position
/// inside a pass that stopped, the last run's counts, and the last error with the retry it waits for.
/// </summary>
public sealed class CatalogSourceState
{
    /// <summary>The source's name in the settings.</summary>
    public required string Name { get; set; }

    /// <summary>The latest update time seen by the last complete pass: the next pass asks for what changed since.</summary>
    public DateTime? Bookmark { get; set; }

    /// <summary>Where an unfinished pass resumes: an OAI-PMH resumption token, or the InvenioRDM update time reached.</summary>
    public string? Cursor { get; set; }

    /// <summary>The latest update time seen by the unfinished pass: the bookmark once it completes.</summary>
    public DateTime? PassBookmark { get; set; }

    public DateTime? LastRunStartedAt { get; set; }

    public DateTime? LastRunFinishedAt { get; set; }

    public DateTime? LastSuccessAt { get; set; }

    /// <summary>Records read by the last run.</summary>
    public long Seen { get; set; }

    /// <summary>Records the last run created or changed.</summary>
    public long Changed { get; set; }

    /// <summary>Records the last run found deleted.</summary>
    public long Deleted { get; set; }

    /// <summary>Records the last run skipped because the source described them badly.</summary>
    public long Skipped { get; set; }

    /// <summary>The last record skipped, and why.</summary>
    public string? LastSkip { get; set; }

    public string? LastError { get; set; }

    public DateTime? LastErrorAt { get; set; }

    /// <summary>Failed runs since the last success: the retry waits longer after each.</summary>
    public int ConsecutiveFailures { get; set; }

    /// <summary>When the schedule runs the source next (its interval after a success, a backoff after a failure).</summary>
    public DateTime? NextRunAt { get; set; }
}
