using Stats.Core.Queries;

namespace Stats.Dashboard.Components.Panels;

/// <summary>A record of a ranking, with its usage in the period.</summary>
public sealed record RankedRecordRow(string Recid, string? Title, RecordUsage Usage);

/// <summary>
/// The panels' record rankings: ranked over the whole period by the metric in the URL (<c>rank=downloads</c>), then the ranked
/// records' four counts in one query, so that every ranking table has the same columns and any of them re-ranks.
/// </summary>
public static class RecordRankings
{
    /// <summary>The URL's key for the metric a ranking is by.</summary>
    public const string RankKey = "rank";

    private static readonly (UsageMetric Metric, string Key, string Title, string Superlative, string Explanation)[] s_metrics =
    [
        (UsageMetric.Views, "views", "Views", "Most viewed", UsageHeadlines.ViewsExplanation),
        (UsageMetric.UniqueViews, "unique_views", "Unique views", "Most viewed by distinct visitors", UsageHeadlines.UniqueViewsExplanation),
        (UsageMetric.Downloads, "downloads", "Downloads", "Most downloaded", UsageHeadlines.DownloadsExplanation),
        (UsageMetric.UniqueDownloads, "unique_downloads", "Unique downloads", "Most downloaded by distinct visitors", UsageHeadlines.UniqueDownloadsExplanation),
    ];

    /// <summary>The metric a URL value names; views for none or an unknown one (a link is never broken by a bad value).</summary>
    public static UsageMetric Parse(string? value)
    {
        foreach (var metric in s_metrics)
        {
            if (string.Equals(metric.Key, value, StringComparison.OrdinalIgnoreCase))
            {
                return metric.Metric;
            }
        }

        return UsageMetric.Views;
    }

    /// <summary>The URL value of a metric.</summary>
    public static string KeyOf(UsageMetric metric) => Of(metric).Key;

    /// <summary>"Most downloaded", for a table's title.</summary>
    public static string SuperlativeOf(UsageMetric metric) => Of(metric).Superlative;

    /// <summary>The metric's column title, lower case, for sentences ("by downloads").</summary>
    public static string NameOf(UsageMetric metric) => Of(metric).Title.ToLowerInvariant();

    /// <summary>The four counts as columns that re-rank the whole period when their header is clicked.</summary>
    public static IEnumerable<StatColumn<RankedRecordRow>> CountColumns() => s_metrics.Select(m =>
        StatColumns.Count<RankedRecordRow>(m.Title, r => ValueOf(r.Usage, m.Metric), m.Explanation) with { RankBy = m.Key });

    /// <summary>The top <paramref name="size"/> records of <paramref name="records"/> by <paramref name="metric"/>, with their usage.</summary>
    public static async Task<IReadOnlyList<RankedRecordRow>> LoadAsync(
        IUsageStats usage, RecordSet records, UsageMetric metric, Period period, int size, CancellationToken cancellationToken)
    {
        var ranking = await usage.TopRecordsAsync(records, metric, period, null, size, cancellationToken);
        var counts = ranking.Records.Count == 0
            ? new Dictionary<string, RecordUsage>()
            : await usage.RecordsAsync([.. ranking.Records.Select(r => r.Recid)], period, cancellationToken);
        return [.. ranking.Records.Select(r => new RankedRecordRow(r.Recid, r.Title, counts.GetValueOrDefault(r.Recid) ?? RecordUsage.Zero))];
    }

    public static long ValueOf(RecordUsage usage, UsageMetric metric) => metric switch
    {
        UsageMetric.UniqueViews => usage.UniqueViews,
        UsageMetric.Downloads => usage.Downloads,
        UsageMetric.UniqueDownloads => usage.UniqueDownloads,
        _ => usage.Views,
    };

    private static (UsageMetric Metric, string Key, string Title, string Superlative, string Explanation) Of(UsageMetric metric) =>
        s_metrics.First(m => m.Metric == metric);
}
