using static Stats.Core.Events.FieldSpec;

namespace Stats.Core.Events;

/// <summary>The event types of the domain (docs/domain/events.md), with their fields and the fixed codes the store uses for them.</summary>
public static class EventCatalog
{
    public const string RecordView = "record-view";
    public const string FileDownload = "file-download";
    public const string RecordPublished = "record-published";
    public const string RecordUpdated = "record-updated";
    public const string RecordDeleted = "record-deleted";
    public const string SubmissionCreated = "submission-created";
    public const string FeatureUsed = "feature-used";
    public const string LoanCreated = "loan-created";
    public const string LoanExtended = "loan-extended";
    public const string LoanReturned = "loan-returned";
    public const string LoanOverdue = "loan-overdue";
    public const string LoanRequested = "loan-requested";
    public const string SipCreated = "sip-created";
    public const string SipSent = "sip-sent";
    public const string SipProcessed = "sip-processed";
    public const string ArchiveSize = "archive-size";

    private static readonly FieldSpec[] s_recordFields =
    [
        Req("recid"), Opt("parent_recid"), Opt("owner_id"), Opt("communities", FieldKind.TextList),
        new("access_right", FieldKind.Text, AllowedValues: ["open", "embargoed", "restricted", "closed"]),
        Opt("title"), Opt("resource_type"),
    ];

    private static readonly FieldSpec[] s_loanFields = [Opt("loan_id"), Req("document_id"), Opt("item_id"), Opt("patron_id"), Opt("location")];

    /// <summary>Built-in types in code order: the code of a type is its index + 1. Append only: codes are stored.</summary>
    public static IReadOnlyList<EventDefinition> BuiltIn { get; } = Number(
    [
        (RecordView, [Req("recid"), Opt("parent_recid"), Opt("via_api", FieldKind.Flag)], ["record", "country", "community", "owner"]),
        (FileDownload, [Req("recid"), Opt("parent_recid"), Req("file_key"), Opt("bucket_id"), Opt("size", FieldKind.Number),
            Opt("is_preview", FieldKind.Flag)], ["record", "file", "country", "community", "owner"]),
        (RecordPublished, s_recordFields, ["catalog", "community"]),
        (RecordUpdated, s_recordFields, ["catalog"]),
        (RecordDeleted, s_recordFields, ["catalog"]),
        (SubmissionCreated, [Req("community"), Opt("recid")], ["community"]),
        (FeatureUsed, [Req("community"), Req("feature")], ["community"]),
        (LoanCreated, s_loanFields, ["circulation"]),
        (LoanExtended, s_loanFields, ["circulation"]),
        (LoanReturned, s_loanFields, ["circulation"]),
        (LoanOverdue, s_loanFields, ["circulation"]),
        (LoanRequested, s_loanFields, ["circulation"]),
        (SipCreated, [Req("sip_id"), Opt("recid"), Opt("community"), Opt("files", FieldKind.Number), Opt("size", FieldKind.Number)], ["sipstore"]),
        (SipSent, [Req("sip_id"), Opt("recid"), Opt("community")], ["sipstore"]),
        (SipProcessed, [Req("sip_id"), Opt("recid"), Opt("community"), new("status", FieldKind.Text, Required: true, AllowedValues: ["succeeded", "failed"]),
            Opt("error")], ["sipstore"]),
        (ArchiveSize, [Req("bytes", FieldKind.Number), Opt("community")], ["sipstore"]),
    ]);

    private static readonly Dictionary<string, EventDefinition> s_byName = BuiltIn.ToDictionary(d => d.Name, StringComparer.Ordinal);

    /// <summary>The definition of a built-in type, or null.</summary>
    public static EventDefinition? Find(string name) => s_byName.GetValueOrDefault(name);

    /// <summary>The code of a built-in type.</summary>
    public static short CodeOf(string name) =>
        s_byName.TryGetValue(name, out var definition) ? definition.Code : throw new ArgumentException($"'{name}' is not a built-in event type.", nameof(name));

    public static bool IsBuiltIn(string name) => s_byName.ContainsKey(name);

    public static bool IsLifecycle(string name) => name is RecordPublished or RecordUpdated or RecordDeleted;

    private static EventDefinition[] Number((string Name, FieldSpec[] Fields, string[] Feeds)[] types) =>
        [.. types.Select((t, index) => new EventDefinition(t.Name, (short)(index + 1), t.Fields, t.Feeds))];
}
