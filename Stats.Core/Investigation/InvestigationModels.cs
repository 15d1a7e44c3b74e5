namespace Stats.Core.Investigation;

/// <summary>What an investigation looks at.</summary>
public enum InvestigationScope
{
    Repository,
    Record,

    /// <summary>One file of a record: <see cref="InvestigationRequest.Id"/> and <see cref="InvestigationRequest.FileKey"/>.</summary>
    File,
    Community,
}

/// <summary>A scope and a UTC range [<paramref name="From"/>, <paramref name="To"/>), to the hour or finer.</summary>
public sealed record InvestigationRequest(InvestigationScope Scope, string? Id, string? FileKey, DateTime From, DateTime To)
{
    /// <summary>The longest range one investigation reads: raw events are many, and a week of one record is already a lot.</summary>
    public static readonly TimeSpan MaxRange = TimeSpan.FromDays(31);

    /// <summary>What the audit trail says was looked at.</summary>
    public string Subject => Scope switch
    {
        InvestigationScope.Repository => "repository",
        InvestigationScope.File => $"file {Id}/{FileKey}",
        _ => $"{Scope.ToString().ToLowerInvariant()} {Id}",
    };

    /// <summary>Why the request cannot be answered; null when it can.</summary>
    public string? Problem() =>
        To <= From ? "the range must end after it starts"
        : To - From > MaxRange ? $"the range must be at most {MaxRange.TotalDays:F0} days"
        : Scope != InvestigationScope.Repository && string.IsNullOrWhiteSpace(Id) ? $"a {Scope.ToString().ToLowerInvariant()} needs its id"
        : Scope == InvestigationScope.File && string.IsNullOrWhiteSpace(FileKey) ? "a file needs its record's id and its key"
        : null;
}

/// <summary>How counting treats a raw view or download.</summary>
public enum EventCategory
{
    /// <summary>Counted by COUNTER (a regular visitor's click that was kept).</summary>
    Counted,

    /// <summary>Removed as the first of a double-click.</summary>
    DoubleClick,

    /// <summary>A robot's: stored, never counted.</summary>
    Robot,

    /// <summary>A machine's (a scripted tool): counted apart.</summary>
    Machine,
}

/// <summary>One hour of the range: its views and downloads by how counting treats them.</summary>
public sealed record InvestigationHour(DateTime Hour, int Counted, int DoubleClicks, int Robot, int Machine)
{
    public int Total => Counted + DoubleClicks + Robot + Machine;
}

/// <summary>A name (an organisation, a family, a host, a country) and its events in the range.</summary>
public sealed record InvestigationTop(string Name, int Events);

/// <summary>
/// One pseudonymous visitor of one UTC day (the hash changes with the day's salt, so it cannot be followed further):
/// its events, how many counting kept, where it came from and what it touched most.
/// </summary>
public sealed record InvestigationVisitor(string Visitor, DateOnly Day, int Events, int Counted, string? Organisation, string? Agent, IReadOnlyList<string> Touched)
{
    /// <summary>The hash as shown: its first 8 hex digits.</summary>
    public string Shortened => Visitor[..8];
}

/// <summary>The investigation page's summary of a scope and range.</summary>
public sealed record InvestigationSummary(
    InvestigationRequest Request,
    int Events,
    IReadOnlyList<InvestigationHour> Hours,
    IReadOnlyList<InvestigationTop> Organisations,
    IReadOnlyList<InvestigationTop> Agents,
    IReadOnlyList<InvestigationTop> Referrers,
    IReadOnlyList<InvestigationTop> Countries,
    IReadOnlyList<InvestigationVisitor> Visitors,
    DateOnly? RetainedFrom)
{
    /// <summary>Whether part of the range is before the oldest raw events kept (retention has purged them).</summary>
    public bool ReachesBeyondRetention => RetainedFrom is { } kept && DateOnly.FromDateTime(Request.From) < kept;
}

/// <summary>One raw view or download as the investigation lists and exports it.</summary>
public sealed record InvestigationEvent(
    long Id,
    DateTime Timestamp,
    string Type,
    string? Record,
    string? File,
    string? Country,
    string? Organisation,
    string? Agent,
    string? Referrer,
    EventCategory Category,
    bool ViaApi,
    bool Preview,
    string? Visitor);

/// <summary>A page of raw events and how many there are in all.</summary>
public sealed record InvestigationEventPage(IReadOnlyList<InvestigationEvent> Events, int Total);

/// <summary>Narrows the raw event list: one visitor's hash (16 hex digits) and its day, as the summary lists them.</summary>
public sealed record InvestigationFilter(string? Visitor = null);
