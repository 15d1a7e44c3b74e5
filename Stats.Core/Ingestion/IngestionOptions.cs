namespace Stats.Core.Ingestion;

/// <summary>The <c>Stats:Ingestion</c> settings.</summary>
public sealed class IngestionOptions
{
    public const string SectionName = "Stats:Ingestion";

    /// <summary>Largest request body <c>POST /api/events</c> accepts; larger is 413.</summary>
    public long MaxBodyBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Most events in one request; more is 413.</summary>
    public int MaxEvents { get; set; } = 10_000;

    /// <summary>How far in the future a timestamp may be (clock skew between servers); later is rejected.</summary>
    public TimeSpan MaxFutureSkew { get; set; } = TimeSpan.FromMinutes(5);
}
