namespace Stats.Core.Investigation;

/// <summary>What an investigation or audit query looked at (docs/domain/privacy.md#investigation-and-audit).</summary>
public enum InvestigationKind : byte
{
    /// <summary>The investigation page's summary of a scope and range.</summary>
    Investigation = 1,

    /// <summary>The raw event list or its export.</summary>
    RawEvents = 2,

    /// <summary>The events of one user id (an audit).</summary>
    UserAudit = 3,

    /// <summary>The events of one network organisation (an audit).</summary>
    OrganisationAudit = 4,
}

/// <summary>
/// One investigation or audit query, kept so that looking at people's events leaves a trace: who asked, when, what
/// kind, about what and over which range. A user id looked up is kept only as a keyed hash, never as it was given.
/// </summary>
public sealed class InvestigationTrace
{
    public long Id { get; set; }

    public DateTime AskedAt { get; set; }

    /// <summary>The admin who asked (a user's name, or an API key's).</summary>
    public required string AskedBy { get; set; }

    public InvestigationKind Kind { get; set; }

    /// <summary>What was looked at: "repository", "record 123", "organisation AS513", "user #3f2a…" (a keyed hash of the id).</summary>
    public required string Subject { get; set; }

    public DateTime From { get; set; }

    public DateTime To { get; set; }
}
