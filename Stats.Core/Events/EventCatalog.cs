namespace Stats.Core.Events;

/// <summary>The event types of the domain (DOMAIN.md), with the fixed codes the store uses for them.</summary>
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

    /// <summary>Built-in types in code order: the code of a type is its index + 1. Append only.</summary>
    public static IReadOnlyList<string> BuiltIn { get; } =
    [
        RecordView, FileDownload, RecordPublished, RecordUpdated, RecordDeleted, SubmissionCreated,
        FeatureUsed, LoanCreated, LoanExtended, LoanReturned, LoanOverdue, LoanRequested, SipCreated,
        SipSent, SipProcessed, ArchiveSize,
    ];

    private static readonly Dictionary<string, short> s_codes =
        BuiltIn.Select((name, index) => (name, code: (short)(index + 1))).ToDictionary(p => p.name, p => p.code, StringComparer.Ordinal);

    /// <summary>The code of a built-in type.</summary>
    public static short CodeOf(string name) =>
        s_codes.TryGetValue(name, out var code) ? code : throw new ArgumentException($"'{name}' is not a built-in event type.", nameof(name));

    public static bool IsBuiltIn(string name) => s_codes.ContainsKey(name);

    public static bool IsLifecycle(string name) => name is RecordPublished or RecordUpdated or RecordDeleted;
}
