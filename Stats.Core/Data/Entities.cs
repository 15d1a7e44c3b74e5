using Stats.Core.Access;

namespace Stats.Core.Data;

/// <summary>
/// One anonymised event. The widest table of the store, so every column is a number or a short code:
/// strings that repeat (records, files, communities, documents, locations) live in their own tables.
/// </summary>
public sealed class RawEvent
{
    public long Id { get; set; }

    /// <summary>Code of the event type (see <see cref="Events.EventCatalog"/>).</summary>
    public short TypeId { get; set; }

    /// <summary>When it happened, UTC.</summary>
    public DateTime Timestamp { get; set; }

    public int? RecordId { get; set; }

    public int? FileId { get; set; }

    public int? CommunityId { get; set; }

    /// <summary>What the event is about beyond the record: a document, a SIP, a feature name.</summary>
    public int? SubjectId { get; set; }

    /// <summary>A second label: a loan's location, a SIP's status.</summary>
    public int? DetailId { get; set; }

    /// <summary>ISO 3166 alpha-2 country of the client, null when unknown or private.</summary>
    public string? Country { get; set; }

    public EventTraits Traits { get; set; }

    /// <summary>Salted hash of the best available user identity (user id, session id, or IP + user agent).</summary>
    public long? VisitorHash { get; set; }

    /// <summary>Salted hash of the COUNTER session key.</summary>
    public long? SessionHash { get; set; }

    /// <summary>A quantity: bytes downloaded, a SIP's size, an archive-size snapshot.</summary>
    public long? Amount { get; set; }

    /// <summary>
    /// For an event in the first 30 seconds of a UTC day only: the visitor hashed with the previous day's salt, so that
    /// a double-click across midnight is recognised although the two days' salts differ (docs/domain/counting.md#double-clicks).
    /// </summary>
    public long? PrecedingVisitorHash { get; set; }

    /// <summary>Hash of the client's own event id, when it sent one: a resent event is recognised, not stored twice.</summary>
    public long? ClientIdHash { get; set; }

    /// <summary>The network organisation (autonomous system) of the client's address, a <see cref="LabelKind.Organisation"/> label.</summary>
    public int? OrganisationId { get; set; }

    /// <summary>The referrer's host, a <see cref="LabelKind.Referrer"/> label.</summary>
    public int? ReferrerId { get; set; }

    /// <summary>The user agent's family (a robot's pattern, a tool, a browser), a <see cref="LabelKind.Agent"/> label.</summary>
    public int? AgentId { get; set; }

    /// <summary>
    /// What enrichment found for the three labels above, as text, until the writer interns it: never stored as such
    /// (the entity configuration ignores it).
    /// </summary>
    public Enrichment.EventSources? Sources { get; set; }
}

/// <summary>Boolean facts about an event, packed into one byte.</summary>
[Flags]
public enum EventTraits : byte
{
    None = 0,
    Robot = 1,
    Machine = 2,
    ViaApi = 4,
    Preview = 8,
}

/// <summary>A record of the catalog, kept up to date by lifecycle events.</summary>
public sealed class Record
{
    public int Id { get; set; }

    /// <summary>The repository's own id (recid).</summary>
    public required string ExternalId { get; set; }

    /// <summary>The concept id shared by all versions (parent_recid).</summary>
    public string? ParentExternalId { get; set; }

    public string? OwnerId { get; set; }

    public string? Title { get; set; }

    public string? ResourceType { get; set; }

    public AccessRight AccessRight { get; set; }

    /// <summary>When the record was published; null for a record only seen in usage events so far.</summary>
    public DateTime? PublishedAt { get; set; }

    /// <summary>The time of the latest lifecycle event applied to the record.</summary>
    public DateTime? UpdatedAt { get; set; }

    public DateTime? DeletedAt { get; set; }

    public List<Community> Communities { get; set; } = [];

    public List<RecordFile> Files { get; set; } = [];
}

public enum AccessRight : byte
{
    Unknown = 0,
    Open = 1,
    Embargoed = 2,
    Restricted = 3,
    Closed = 4,
}

/// <summary>A file of a record (file_key within the record's bucket).</summary>
public sealed class RecordFile
{
    public int Id { get; set; }

    public int RecordId { get; set; }

    public required string Key { get; set; }

    public long? Size { get; set; }
}

/// <summary>
/// Which record an Invenio file bucket belongs to (each record version has its own bucket). Invenio's contrib download
/// events name only the bucket, so the record they count for is found here; the map is learned from InvenioRDM events
/// (which carry both), from catalog sync and from history imports.
/// </summary>
public sealed class RecordBucket
{
    /// <summary>Invenio's bucket id (a UUID in its text form).</summary>
    public required string BucketId { get; set; }

    public int RecordId { get; set; }

    /// <summary>Where the pairing was learned: "amqp", "import", a catalog source's name.</summary>
    public required string Source { get; set; }

    public DateTime LearnedAt { get; set; }
}

/// <summary>A community (collection) records belong to.</summary>
public sealed class Community
{
    public int Id { get; set; }

    public required string ExternalId { get; set; }

    public string? Name { get; set; }

    public List<Record> Records { get; set; } = [];
}

/// <summary>A repeated string that events point at by number: a document id, a location, a SIP id, a feature.</summary>
public sealed class Label
{
    public int Id { get; set; }

    public LabelKind Kind { get; set; }

    public required string Value { get; set; }
}

public enum LabelKind : byte
{
    Feature = 1,
    Document = 2,
    Location = 3,
    Sip = 4,
    Status = 5,

    /// <summary>A record's owner (owner_id), as aggregates name it.</summary>
    Owner = 6,

    /// <summary>The concept shared by all versions of a record (parent_recid, or the recid of a record without versions).</summary>
    Concept = 7,

    /// <summary>A network organisation: an autonomous system, <c>AS{number} {name}</c>.</summary>
    Organisation = 8,

    /// <summary>A referrer's host.</summary>
    Referrer = 9,

    /// <summary>A user agent's family: a robot pattern, a tool, a browser.</summary>
    Agent = 10,
}

/// <summary>The random salt of one UTC day, shared by every instance and destroyed after the grace period.</summary>
public sealed class DailySalt
{
    public DateOnly Day { get; set; }

    public required byte[] Salt { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>
    /// Created after the day and its grace period were over (an import, a long backlog): kept while the day is filled and
    /// aggregated, and destroyed a grace period after that, instead of a grace period after the day.
    /// </summary>
    public bool Late { get; set; }
}

/// <summary>
/// One key of the dashboard's ASP.NET Data Protection key ring (cookies, antiforgery tokens, sign-in state), kept in
/// the store so that every instance protects and reads with the same keys.
/// </summary>
public sealed class DataProtectionKeyRow
{
    public int Id { get; set; }

    public string? FriendlyName { get; set; }

    /// <summary>The key's XML element as Data Protection writes it.</summary>
    public required string Xml { get; set; }

    public DateTime CreatedAt { get; set; }
}

/// <summary>An API key. Only a hash of the secret is stored; the prefix identifies it in lists.</summary>
public sealed class ApiKey
{
    public int Id { get; set; }

    public required string Name { get; set; }

    public required string Prefix { get; set; }

    public required byte[] SecretHash { get; set; }

    public required string Scopes { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>When the key was last used, to the minute: written at most once a minute per key, not per request.</summary>
    public DateTime? LastUsedAt { get; set; }

    public DateTime? RevokedAt { get; set; }

    /// <summary>Whom a key of the <c>read</c> scope reads statistics as (access rules apply to it like to that viewer).</summary>
    public Access.ApiKeyRole ReadsAs { get; set; } = Access.ApiKeyRole.SignedIn;
}

/// <summary>
/// Who may see a family of statistics in a scope: the whole repository, one community, or one record. The most specific
/// rule wins (ADR-009); without any, <see cref="Access.DefaultAudiences"/> applies.
/// </summary>
public sealed class AccessRule
{
    public int Id { get; set; }

    public RuleScope ScopeKind { get; set; }

    /// <summary>The community's or record's external id; empty for <see cref="RuleScope.Global"/> (so that one unique index covers every scope).</summary>
    public string ScopeId { get; set; } = "";

    public Access.StatFamily Family { get; set; }

    public Access.Audience Audience { get; set; }

    public DateTime UpdatedAt { get; set; }

    /// <summary>Who last set the rule (a user's name or id).</summary>
    public required string UpdatedBy { get; set; }
}

/// <summary>One change of an access rule, kept for the Admin page's audit log: who, when, what it was and what it became.</summary>
public sealed class AccessRuleChange
{
    public long Id { get; set; }

    public DateTime ChangedAt { get; set; }

    public required string ChangedBy { get; set; }

    public RuleScope ScopeKind { get; set; }

    public string ScopeId { get; set; } = "";

    public Access.StatFamily Family { get; set; }

    /// <summary>The rule's audience before; null when there was no rule (the default or a wider rule applied).</summary>
    public Access.Audience? Before { get; set; }

    /// <summary>The audience after; null when the rule was removed.</summary>
    public Access.Audience? After { get; set; }
}

/// <summary>
/// A note on a day or a range of days ("DOI resolver outage"), drawn on every chart whose period covers it: the
/// repository's on every chart, a community's on that community's and its records' charts.
/// </summary>
public sealed class Annotation
{
    public long Id { get; set; }

    public Annotations.AnnotationScope Scope { get; set; }

    /// <summary>The community's external id; null for a repository note.</summary>
    public string? Community { get; set; }

    public DateOnly FromDay { get; set; }

    /// <summary>The last day the note covers (inclusive); the same as <see cref="FromDay"/> for one day.</summary>
    public DateOnly ToDay { get; set; }

    public required string Text { get; set; }

    public DateTime CreatedAt { get; set; }

    public required string CreatedBy { get; set; }
}

/// <summary>One note added or removed, kept for the Admin page's audit log like the access rules' changes.</summary>
public sealed class AnnotationChange
{
    public long Id { get; set; }

    public DateTime ChangedAt { get; set; }

    public required string ChangedBy { get; set; }

    public Annotations.AnnotationAction Action { get; set; }

    public long AnnotationId { get; set; }

    public Annotations.AnnotationScope Scope { get; set; }

    public string? Community { get; set; }

    public DateOnly FromDay { get; set; }

    public DateOnly ToDay { get; set; }

    public required string Text { get; set; }
}
