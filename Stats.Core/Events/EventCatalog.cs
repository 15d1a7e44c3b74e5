using Stats.Core.Data;
using static Stats.Core.Events.FieldSpec;

namespace Stats.Core.Events;

/// <summary>The built-in event types of the domain (docs/domain/events.md), each described once: fields, fixed code, labels, what it counts as.</summary>
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

    private static readonly LabelField s_sip = new("sip_id", LabelKind.Sip);

    /// <summary>Built-in types in code order: the code of a type is its index + 1. Append only: codes are stored.</summary>
    public static IReadOnlyList<EventDefinition> BuiltIn { get; } = Number(
    [
        Define(RecordView, "Record views", [Req("recid"), Opt("parent_recid"), Opt("via_api", FieldKind.Flag)]),
        Define(FileDownload, "File downloads", [Req("recid"), Opt("parent_recid"), Req("file_key"), Opt("bucket_id"), Opt("size", FieldKind.Number),
            Opt("is_preview", FieldKind.Flag)]),
        Define(RecordPublished, "Records published", s_recordFields) with { CountsAs = [Activity.NewRecord] },
        Define(RecordUpdated, "Records updated", s_recordFields),
        Define(RecordDeleted, "Records deleted", s_recordFields),
        Define(SubmissionCreated, "Submissions", [Req("community"), Opt("recid")]) with { CountsAs = [Activity.NewSubmission] },
        Define(FeatureUsed, "Community features used", [Req("community"), Req("feature")])
            with { CountsAs = [Activity.FeatureUsed], Subject = new("feature", LabelKind.Feature) },
        Loan(LoanCreated, "Loans", Activity.LoanCreated),
        Loan(LoanExtended, "Loans renewed", Activity.LoanExtended),
        Loan(LoanReturned, "Loans returned", Activity.LoanReturned),
        Loan(LoanOverdue, "Loans overdue", Activity.LoanOverdue),
        Loan(LoanRequested, "Loans requested", Activity.LoanRequested),
        Define(SipCreated, "SIPs created", [Req("sip_id"), Opt("recid"), Opt("community"), Opt("files", FieldKind.Number), Opt("size", FieldKind.Number)])
            with { CountsAs = [Activity.SipCreated], Subject = s_sip },
        Define(SipSent, "SIPs sent", [Req("sip_id"), Opt("recid"), Opt("community")]) with { CountsAs = [Activity.SipSent], Subject = s_sip },
        Define(SipProcessed, "SIPs processed", [Req("sip_id"), Opt("recid"), Opt("community"),
            new("status", FieldKind.Text, Required: true, AllowedValues: ["succeeded", "failed"]), Opt("error")])
            with { CountsAs = [Activity.SipSucceeded, Activity.SipFailed], Subject = s_sip, Detail = new("status", LabelKind.Status) },
        Define(ArchiveSize, "Archive size snapshots", [Req("bytes", FieldKind.Number), Opt("community")])
            with { CountsAs = [Activity.ArchiveSize], AmountField = "bytes" },
    ]);

    private static readonly Dictionary<short, EventDefinition> s_byCode = BuiltIn.ToDictionary(d => d.Code);

    private static readonly Dictionary<string, EventDefinition> s_byName = BuiltIn.ToDictionary(d => d.Name, StringComparer.Ordinal);

    /// <summary>The definition of a built-in type, or null.</summary>
    public static EventDefinition? Find(string name) => s_byName.GetValueOrDefault(name);

    /// <summary>The code of a built-in type.</summary>
    public static short CodeOf(string name) =>
        s_byName.TryGetValue(name, out var definition) ? definition.Code : throw new ArgumentException($"'{name}' is not a built-in event type.", nameof(name));

    public static bool IsBuiltIn(string name) => s_byName.ContainsKey(name);

    /// <summary>The built-in type raw events of this code are, or null (a type added by configuration).</summary>
    public static EventDefinition? FindByCode(short code) => s_byCode.GetValueOrDefault(code);

    public static bool IsLifecycle(string name) => name is RecordPublished or RecordUpdated or RecordDeleted;

    private static EventDefinition Define(string name, string displayName, FieldSpec[] fields) => new(name, 0, displayName, fields);

    /// <summary>A loan event: the document is its subject, the location its detail.</summary>
    private static EventDefinition Loan(string name, string displayName, Activity activity) => Define(name, displayName, s_loanFields) with
    {
        CountsAs = [activity], Subject = new("document_id", LabelKind.Document), Detail = new("location", LabelKind.Location),
    };

    private static EventDefinition[] Number(EventDefinition[] types) => [.. types.Select((t, index) => t with { Code = (short)(index + 1) })];
}
