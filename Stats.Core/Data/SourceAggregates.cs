namespace Stats.Core.Data;

/// <summary>What a <see cref="SourceDailyStat"/> row counts by.</summary>
public enum SourceKind : byte
{
    /// <summary>The referrer's host (a <see cref="LabelKind.Referrer"/> label): records, communities and the repository.</summary>
    Referrer = 1,

    /// <summary>The visitor's network organisation (a <see cref="LabelKind.Organisation"/> label): communities only.</summary>
    Organisation = 2,
}

/// <summary>
/// Where one scope's counted views and downloads of one day came from: the top hosts (or organisations) of that scope and
/// day, each a row, and the rest summed in one row whose label is <see cref="Other"/>. Clicks without a referrer (or an
/// organisation) have no row. Counted as usage is (robots out, double-clicks removed, both access methods), so a host's
/// numbers never exceed the scope's usage (docs/decisions/ADR-015-visitor-sources-and-investigation.md).
/// </summary>
public sealed class SourceDailyStat
{
    /// <summary>The label id of the row that sums every source beyond the top ones.</summary>
    public const int Other = 0;

    public DateOnly Day { get; set; }

    public SourceKind Kind { get; set; }

    /// <summary><see cref="StatScope.Record"/>, <see cref="StatScope.Community"/> or <see cref="StatScope.Repository"/>.</summary>
    public StatScope Scope { get; set; }

    public int ScopeId { get; set; }

    /// <summary>The host's or organisation's label, or <see cref="Other"/>.</summary>
    public int LabelId { get; set; }

    public int Views { get; set; }

    public int Downloads { get; set; }
}
