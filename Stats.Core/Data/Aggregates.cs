namespace Stats.Core.Data;

// The daily aggregates: recomputed from raw events one UTC day at a time and overwritten, never incremented
// (docs/domain/aggregation.md). Every dashboard and API query reads these tables and the catalog, never raw events.

/// <summary>COUNTER's Access_Method: people, or scripted tools counted apart.</summary>
public enum AccessMethod : byte
{
    Regular = 0,
    Machine = 1,

    /// <summary>
    /// Not a COUNTER access method: the numbers of imported daily aggregates (<see cref="ImportedDailyAggregate"/>) of the
    /// record-days that have no computed rows, summed per scope. Queries over both access methods include them; COUNTER
    /// reports leave them out unless configured otherwise (docs/decisions/ADR-013-imported-daily-aggregates.md).
    /// </summary>
    Imported = 2,
}

/// <summary>What a usage aggregate row is about.</summary>
public enum StatScope : byte
{
    /// <summary>The whole repository; the scope id is 0.</summary>
    Repository = 0,

    /// <summary>One version of a record: the scope id is a <see cref="Record"/> id.</summary>
    Record = 1,

    /// <summary>
    /// All versions of a record: the scope id is a <see cref="Label"/> of kind <see cref="LabelKind.Concept"/>. Only
    /// records with a parent_recid have concept rows; a record without versions is its own concept (its record rows). A
    /// day and access method on which one version alone had clicks has no concept row either: that version's record row
    /// stands for it (<see cref="UsageDailyStat.ConceptId"/>, ADR-020).
    /// </summary>
    Concept = 2,

    /// <summary>
    /// One file of a record: the scope id is a <see cref="RecordFile"/> id. Where every click of its record's row was a
    /// download of this file, that row stands for the file's (<see cref="UsageDailyStat.FileId"/>, ADR-020).
    /// </summary>
    File = 3,

    /// <summary>The records of a community: the scope id is a <see cref="Community"/> id.</summary>
    Community = 4,

    /// <summary>
    /// The records of one owner: the scope id is a <see cref="Label"/> of kind <see cref="LabelKind.Owner"/>. A scope of
    /// queries only: no rows are stored for it, an owner's usage is the sum of its records' rows (ADR-016).
    /// </summary>
    Owner = 5,
}

/// <summary>
/// The COUNTER metrics of one scope on one day for one access method. Robots are excluded and double-clicks
/// removed. Views are the record page's (Investigations that are not Requests); downloads are file Requests;
/// Investigations count both. Unique counts are distinct COUNTER sessions per item: for a file, per file; for a
/// concept, per concept (one session viewing two versions counts once); for every wider scope, the sum over its
/// records of their unique counts (COUNTER's unique items), which is exact because a session never spans two days.
/// </summary>
public sealed class UsageDailyStat
{
    public DateOnly Day { get; set; }

    public StatScope Scope { get; set; }

    public int ScopeId { get; set; }

    public AccessMethod AccessMethod { get; set; }

    public int Views { get; set; }

    public int UniqueViews { get; set; }

    public int Downloads { get; set; }

    public int UniqueDownloads { get; set; }

    /// <summary>COUNTER Total_Item_Investigations: views and downloads.</summary>
    public int Investigations { get; set; }

    /// <summary>COUNTER Unique_Item_Investigations.</summary>
    public int UniqueInvestigations { get; set; }

    /// <summary>Bytes downloaded.</summary>
    public long Volume { get; set; }

    /// <summary>
    /// On a record row only: the one country of every click the record had that day, all of them of this row's access
    /// method. The record then has no <see cref="CountryDailyStat"/> row that day: this row, read as one, is it (ADR-020).
    /// </summary>
    public string? Country { get; set; }

    /// <summary>
    /// On a record row only: the one file that every click of the row downloaded (the row has no views). The file then has
    /// no row of its own for that day and access method: this row, read as one, is it (ADR-020).
    /// </summary>
    public int? FileId { get; set; }

    /// <summary>
    /// On a record row only: the concept (a <see cref="Label"/> of kind <see cref="LabelKind.Concept"/>) of which this record
    /// was the one version with clicks of this row's access method that day. The concept then has no row of its own for that
    /// day and access method: this row, read as one, is it (ADR-020).
    /// </summary>
    public int? ConceptId { get; set; }
}

/// <summary>Views and downloads of one scope on one day from one country (both access methods, robots excluded).</summary>
public sealed class CountryDailyStat
{
    /// <summary>The country of clients whose address did not resolve to one (ISO 3166's "unknown or unspecified").</summary>
    public const string Unknown = "ZZ";

    public DateOnly Day { get; set; }

    public StatScope Scope { get; set; }

    public int ScopeId { get; set; }

    /// <summary>ISO 3166 alpha-2, or <see cref="Unknown"/>.</summary>
    public required string Country { get; set; }

    public int Views { get; set; }

    public int UniqueViews { get; set; }

    public int Downloads { get; set; }

    public int UniqueDownloads { get; set; }
}

/// <summary>The events that are counted, not COUNTER-processed: catalog growth, community features, circulation, SIP store.</summary>
public enum Activity : short
{
    /// <summary>A record published. Subject: its owner (<see cref="LabelKind.Owner"/>); detail: its <see cref="AccessRight"/>.</summary>
    NewRecord = 1,

    NewSubmission = 2,

    /// <summary>Subject: the feature (<see cref="LabelKind.Feature"/>).</summary>
    FeatureUsed = 3,

    /// <summary>Loans: subject the document, detail the location (labels; 0 when absent).</summary>
    LoanCreated = 4,
    LoanExtended = 5,
    LoanReturned = 6,
    LoanOverdue = 7,
    LoanRequested = 8,

    /// <summary>Amount: the SIPs' bytes.</summary>
    SipCreated = 9,
    SipSent = 10,
    SipSucceeded = 11,
    SipFailed = 12,

    /// <summary>Amount: the day's last archive-size snapshot; count: the day's snapshots.</summary>
    ArchiveSize = 13,
}

/// <summary>
/// How often an <see cref="Activity"/> happened on one day, in one community or (community id 0) in the whole
/// repository, broken down by a subject and a detail (0 when the activity has none).
/// </summary>
public sealed class ActivityDailyStat
{
    public DateOnly Day { get; set; }

    public Activity Activity { get; set; }

    /// <summary>A <see cref="Community"/> id, or 0 for the whole repository.</summary>
    public int CommunityId { get; set; }

    public int SubjectId { get; set; }

    public int DetailId { get; set; }

    public int Count { get; set; }

    public long Amount { get; set; }
}

/// <summary>
/// How many events of a type added by configuration (<c>Stats:Events:Types</c>) happened on one day in one scope: the
/// repository (scope id 0), a record or a community. Plain counts: COUNTER's rules are for views and downloads only.
/// </summary>
public sealed class EventDailyStat
{
    public DateOnly Day { get; set; }

    /// <summary>The type's code (<see cref="Events.EventType"/>).</summary>
    public short TypeId { get; set; }

    /// <summary><see cref="StatScope.Repository"/>, <see cref="StatScope.Record"/> or <see cref="StatScope.Community"/>.</summary>
    public StatScope Scope { get; set; }

    public int ScopeId { get; set; }

    public int Count { get; set; }
}

/// <summary>One archival package's path through the SIP store, rebuilt from its events by the aggregator.</summary>
public sealed class SipOutcome
{
    /// <summary>The SIP's label (<see cref="LabelKind.Sip"/>).</summary>
    public int SipId { get; set; }

    public int? RecordId { get; set; }

    public int? CommunityId { get; set; }

    public DateTime? CreatedAt { get; set; }

    public DateTime? SentAt { get; set; }

    public DateTime? ProcessedAt { get; set; }

    /// <summary>Null until Archivematica reported on it.</summary>
    public bool? Succeeded { get; set; }

    public long? Size { get; set; }
}

/// <summary>A day whose raw events changed since it was last aggregated.</summary>
public sealed class DirtyDay
{
    public DateOnly Day { get; set; }

    /// <summary>When the day first became dirty: the age of the backlog.</summary>
    public DateTime MarkedAt { get; set; }

    /// <summary>
    /// Raised by every change to the day's events. The aggregator clears the mark only if the version is still the one
    /// it saw before reading the events, so a change committed while it was working is never lost.
    /// </summary>
    public long Version { get; set; }

    /// <summary>Events written to the day since it became dirty.</summary>
    public long PendingEvents { get; set; }
}

/// <summary>A day the aggregator has processed: when, how many raw events, and whether retention has deleted them since.</summary>
public sealed class AggregatedDay
{
    public DateOnly Day { get; set; }

    public DateTime AggregatedAt { get; set; }

    public long Events { get; set; }

    /// <summary>Set once retention deleted the day's raw events: from then on the aggregates are all there is.</summary>
    public DateTime? RawEventsPurgedAt { get; set; }
}

/// <summary>A lease in the store: whichever instance holds it may aggregate; it lapses if the holder stops renewing it.</summary>
public sealed class AggregationLease
{
    public required string Name { get; set; }

    public required string Holder { get; set; }

    public DateTime ExpiresAt { get; set; }
}

/// <summary>One run of the aggregation pipeline, kept so that admins can see its lag and failures.</summary>
public sealed class AggregationRun
{
    public long Id { get; set; }

    /// <summary>The instance that ran it.</summary>
    public required string Holder { get; set; }

    public DateTime StartedAt { get; set; }

    public DateTime? FinishedAt { get; set; }

    public int DaysProcessed { get; set; }

    public long EventsProcessed { get; set; }

    public string? Error { get; set; }
}

/// <summary>
/// Where an exporter stands: the last day it sent completely, how many requests of the next day it already sent, and its
/// last failure. A restart resumes after the requests already sent, so it neither skips nor repeats a day.
/// </summary>
public sealed class ExportBookmark
{
    public required string Name { get; set; }

    /// <summary>The last day sent completely (or given up on because its raw events were purged); null before the first.</summary>
    public DateOnly? LastDay { get; set; }

    /// <summary>
    /// The requests of the day after <see cref="LastDay"/> already sent, in their fixed order: a restart resumes after
    /// them whatever the chunk size.
    /// </summary>
    public int RequestsSentOfNextDay { get; set; }

    public DateTime UpdatedAt { get; set; }

    /// <summary>Requests sent since the bookmark was created.</summary>
    public long SentRequests { get; set; }

    /// <summary>Days that could not be sent because retention had already deleted their raw events.</summary>
    public int PurgedDaysSkipped { get; set; }

    public string? LastError { get; set; }

    public DateTime? LastErrorAt { get; set; }
}

/// <summary>What an imported daily aggregate counts.</summary>
public enum ImportedKind : byte
{
    /// <summary>Views of a record (invenio's <c>stats-record-view-*</c>).</summary>
    RecordView = 1,

    /// <summary>Downloads of one file of a record (invenio's <c>stats-file-download-*</c>).</summary>
    FileDownload = 2,
}

/// <summary>
/// One day of one record's views or one file's downloads as another system counted them (invenio-stats' daily
/// aggregates, a legacy table read by a CSV mapping): not COUNTER numbers. Written by imports only; the aggregator
/// never deletes them, it sums them into <see cref="AccessMethod.Imported"/> rows for the record-days without raw events.
/// </summary>
public sealed class ImportedDailyAggregate
{
    public ImportedKind Kind { get; set; }

    public DateOnly Day { get; set; }

    /// <summary>The source's own key of the document within its kind and day (invenio's <c>unique_id</c>): a re-import replaces it.</summary>
    public required string UniqueId { get; set; }

    /// <summary>Where the numbers come from: <c>invenio</c>, or the name of a CSV mapping.</summary>
    public required string Source { get; set; }

    public int RecordId { get; set; }

    /// <summary>The <see cref="RecordFile"/> of a download; 0 for views.</summary>
    public int FileId { get; set; }

    /// <summary>Views or downloads, after the source's own double-click removal.</summary>
    public int Count { get; set; }

    /// <summary>The source's distinct visitors or sessions (approximate in invenio).</summary>
    public int UniqueCount { get; set; }

    /// <summary>Bytes downloaded.</summary>
    public long Volume { get; set; }

    public DateTime ImportedAt { get; set; }
}

/// <summary>
/// Which sources a record's imported daily aggregates came from, and between which days: what the record panel's note
/// on imported history names. Kept by the imports beside the documents, so that the documents need no index by record
/// (one would take an insert at a page of every record each day of a history import).
/// </summary>
public sealed class ImportedRecordSource
{
    public int RecordId { get; set; }

    /// <summary>As <see cref="ImportedDailyAggregate.Source"/>.</summary>
    public required string Source { get; set; }

    /// <summary>The first day of a document of the record from the source.</summary>
    public DateOnly FirstDay { get; set; }

    /// <summary>The last day of a document of the record from the source.</summary>
    public DateOnly LastDay { get; set; }
}
