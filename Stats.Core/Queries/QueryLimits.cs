using System.ComponentModel.DataAnnotations;

namespace Stats.Core.Queries;

/// <summary>
/// The <c>Stats:Queries</c> settings: how much one call of the query API may ask for. Anonymous callers may query, so
/// these bound what a single request can make the server compute, hold in memory and send.
/// </summary>
public sealed class QueryLimits
{
    public const string SectionName = "Stats:Queries";

    /// <summary>Largest body of <c>POST /api/stats</c> and <c>POST /api/stats/records</c>; larger is 413.</summary>
    [Range(1024, 100 * 1024 * 1024)]
    public long MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Most named queries in one <c>POST /api/stats</c>; more is 400.</summary>
    [Range(1, 10_000)]
    public int MaxQueriesPerCall { get; set; } = 50;

    /// <summary>Most buckets in one histogram; more is 400. <see cref="Histograms.MaxBuckets"/> is the ceiling.</summary>
    [Range(1, Histograms.MaxBuckets)]
    public int MaxHistogramBuckets { get; set; } = Histograms.MaxBuckets;

    /// <summary>Largest answer of one call (bytes of JSON); a call whose answer grows past it is refused with 400.</summary>
    [Range(64 * 1024, 1024 * 1024 * 1024)]
    public long MaxAnswerBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// Memory for the per-month and per-day sums the repository's top records and countries are summed from (ADR-018);
    /// 0 reads every period from the database.
    /// </summary>
    [Range(0, 64 * 1024)]
    public int PeriodSumsMegabytes { get; set; } = 64;
}
