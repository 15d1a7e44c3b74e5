namespace Stats.Core.Ingestion;

/// <summary>
/// An event as a client sends it, before enrichment: it still holds the raw IP, user agent and identities,
/// which never leave the ingestion step. Field names follow the Invenio convention (docs/domain/events.md).
/// </summary>
public sealed class IncomingEvent
{
    public required string Type { get; init; }

    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>The client's own id of the event: sending it again is a duplicate, not a second event.</summary>
    public string? Id { get; init; }

    public string? UserId { get; init; }

    public string? SessionId { get; init; }

    public string? IpAddress { get; init; }

    public string? UserAgent { get; init; }

    /// <summary>The page the visitor came from: only its host is kept (docs/domain/privacy.md).</summary>
    public string? Referrer { get; init; }

    public string? Recid { get; init; }

    public string? ParentRecid { get; init; }

    public bool ViaApi { get; init; }

    public string? FileKey { get; init; }

    /// <summary>Invenio's file bucket: with <see cref="Recid"/>, it teaches the catalog which record the bucket belongs to.</summary>
    public string? BucketId { get; init; }

    public long? Size { get; init; }

    public bool IsPreview { get; init; }

    public string? OwnerId { get; init; }

    public IReadOnlyList<string>? Communities { get; init; }

    public string? AccessRight { get; init; }

    public string? Title { get; init; }

    public string? ResourceType { get; init; }

    /// <summary>The community of a submission, a feature use or a SIP.</summary>
    public string? Community { get; init; }

    public string? Feature { get; init; }

    public string? DocumentId { get; init; }

    public string? Location { get; init; }

    public string? SipId { get; init; }

    public string? Status { get; init; }

    /// <summary>An archive-size snapshot.</summary>
    public long? Bytes { get; init; }

    /// <summary>
    /// Who sent an event that was anonymised before it reached us (an invenio-stats index): used instead of the
    /// address, user agent and ids, which such an event no longer has. Never a wire field.
    /// </summary>
    public AnonymisedClient? Anonymised { get; init; }

    /// <summary>
    /// An event from its fields by wire name (docs/domain/events.md), each value already of its kind (<see cref="Events.FieldKind"/>):
    /// with <see cref="ValueOf"/>, the one place that pairs wire names and properties.
    /// </summary>
    public static IncomingEvent FromFields(string type, DateTimeOffset timestamp, IReadOnlyDictionary<string, object> fields)
    {
        string? Text(string name) => fields.GetValueOrDefault(name) as string;
        long? Number(string name) => fields.GetValueOrDefault(name) as long?;
        bool Flag(string name) => fields.GetValueOrDefault(name) is true;
        return new IncomingEvent
        {
            Type = type,
            Timestamp = timestamp,
            Id = Text("id"),
            UserId = Text("user_id"),
            SessionId = Text("session_id"),
            IpAddress = Text("ip_address"),
            UserAgent = Text("user_agent"),
            Referrer = Text("referrer"),
            Recid = Text("recid"),
            ParentRecid = Text("parent_recid"),
            ViaApi = Flag("via_api"),
            FileKey = Text("file_key"),
            BucketId = Text("bucket_id"),
            Size = Number("size"),
            IsPreview = Flag("is_preview"),
            OwnerId = Text("owner_id"),
            Communities = fields.GetValueOrDefault("communities") as IReadOnlyList<string>,
            AccessRight = Text("access_right"),
            Title = Text("title"),
            ResourceType = Text("resource_type"),
            Community = Text("community"),
            Feature = Text("feature"),
            DocumentId = Text("document_id"),
            Location = Text("location"),
            SipId = Text("sip_id"),
            Status = Text("status"),
            Bytes = Number("bytes"),
        };
    }

    /// <summary>The value of a field by its wire name (docs/domain/events.md), for the catalog's checks; null when absent.</summary>
    public object? ValueOf(string field) => field switch
    {
        "type" => Type,
        "timestamp" => Timestamp,
        "id" => Id,
        "user_id" => UserId,
        "session_id" => SessionId,
        "ip_address" => IpAddress,
        "user_agent" => UserAgent,
        "referrer" => Referrer,
        "recid" => Recid,
        "parent_recid" => ParentRecid,
        "via_api" => ViaApi,
        "file_key" => FileKey,
        "bucket_id" => BucketId,
        "size" => Size,
        "is_preview" => IsPreview,
        "owner_id" => OwnerId,
        "communities" => Communities,
        "access_right" => AccessRight,
        "title" => Title,
        "resource_type" => ResourceType,
        "community" => Community,
        "feature" => Feature,
        "document_id" => DocumentId,
        "location" => Location,
        "sip_id" => SipId,
        "status" => Status,
        "bytes" => Bytes,
        _ => null,
    };
}

/// <summary>
/// What an anonymising source kept of an event's client: a country (ISO alpha-2), its robot and machine flags, and
/// opaque visitor and session ids that are stable within a day. The ids are hashed with the day's salt like any other
/// identity and never stored as they are.
/// </summary>
public sealed record AnonymisedClient(string? Country, bool IsRobot, bool IsMachine, string? VisitorId, string? SessionId);
