using Stats.Core.Queries;

namespace Stats.Dashboard.Components.Panels;

/// <summary>A record of a ranking, with its usage in the period and, when the panel compares, in the previous period.</summary>
public sealed record RankedRecordRow(string Recid, string? Title, RecordUsage Usage, RecordUsage? PreviousUsage = null);

/// <summary>What a record table is ranked by: a count, or its change against the previous period (<c>rank=views_change</c>).</summary>
public readonly record struct RecordOrder(UsageMetric Metric, ChangeOrder? Change = null);

/// <summary>
/// The panels' record rankings: ranked over the whole period by the metric in the URL (<c>rank=downloads</c>), or by its change
/// against the previous period (<c>rank=downloads_change</c>, <c>rank=downloads_change_pct</c>), then the ranked records' counts
/// in one query per period, so that every ranking table has the same columns and any of them re-ranks.
/// </summary>
public static class RecordRankings
{
    /// <summary>The URL's key for the metric a ranking is by.</summary>
    public const string RankKey = "rank";

    private const string ChangeSuffix = "_change";
    private const string RelativeChangeSuffix = "_change_pct";

    private static readonly (UsageMetric Metric, string Key, string Title, string Superlative, string Explanation)[] s_metrics =
    [
        (UsageMetric.Views, "views", "Views", "Most viewed records", UsageHeadlines.ViewsExplanation),
        (UsageMetric.UniqueViews, "unique_views", "Unique views", "Most viewed records by distinct visitors", UsageHeadlines.UniqueViewsExplanation),
        (UsageMetric.Downloads, "downloads", "Downloads", "Most downloaded records", UsageHeadlines.DownloadsExplanation),
        (UsageMetric.UniqueDownloads, "unique_downloads", "Unique downloads", "Most downloaded records by distinct visitors", UsageHeadlines.UniqueDownloadsExplanation),
        (UsageMetric.DataVolume, "volume", "Data volume", "Records with the largest data volume downloaded", UsageHeadlines.DataVolumeExplanation),
    ];

    /// <summary>The order a URL value names; views for none or an unknown one (a link is never broken by a bad value).</summary>
    public static RecordOrder ParseOrder(string? value)
    {
        foreach (var metric in s_metrics)
        {
            if (string.Equals(metric.Key, value, StringComparison.OrdinalIgnoreCase))
            {
                return new(metric.Metric);
            }

            if (string.Equals(metric.Key + ChangeSuffix, value, StringComparison.OrdinalIgnoreCase))
            {
                return new(metric.Metric, ChangeOrder.Absolute);
            }

            if (string.Equals(metric.Key + RelativeChangeSuffix, value, StringComparison.OrdinalIgnoreCase))
            {
                return new(metric.Metric, ChangeOrder.Relative);
            }
        }

        return new(UsageMetric.Views);
    }

    /// <summary>The metric a URL value names (a change's metric for a change); views for none or an unknown one.</summary>
    public static UsageMetric Parse(string? value) => ParseOrder(value).Metric;

    /// <summary>The URL value of a metric.</summary>
    public static string KeyOf(UsageMetric metric) => Of(metric).Key;

    /// <summary>The URL value of an order.</summary>
    public static string KeyOf(RecordOrder order) => order.Change switch
    {
        ChangeOrder.Absolute => KeyOf(order.Metric) + ChangeSuffix,
        ChangeOrder.Relative => KeyOf(order.Metric) + RelativeChangeSuffix,
        _ => KeyOf(order.Metric),
    };

    /// <summary>The URL value to write for an order: none for the default (views), so that plain links stay plain.</summary>
    public static string? QueryValueOf(string key) => key == KeyOf(UsageMetric.Views) ? null : key;

    /// <summary>"Most downloaded records", for a table's title.</summary>
    public static string SuperlativeOf(UsageMetric metric) => Of(metric).Superlative;

    /// <summary>The metric's column title, lower case, for sentences ("by downloads").</summary>
    public static string NameOf(UsageMetric metric) => Of(metric).Title.ToLowerInvariant();

    /// <summary>What an order ranks by, for sentences ("by growth in downloads").</summary>
    public static string NameOf(RecordOrder order) => order.Change switch
    {
        ChangeOrder.Absolute => $"growth in {NameOf(order.Metric)}",
        ChangeOrder.Relative => $"relative growth in {NameOf(order.Metric)}",
        _ => NameOf(order.Metric),
    };

    /// <summary>The four counts and the data volume as columns that re-rank the whole period when their header is clicked.</summary>
    public static IEnumerable<StatColumn<RankedRecordRow>> CountColumns() => s_metrics.Select(m =>
        (m.Metric == UsageMetric.DataVolume
            ? StatColumns.Bytes<RankedRecordRow>(m.Title, r => ValueOf(r.Usage, m.Metric), m.Explanation)
            : StatColumns.Count<RankedRecordRow>(m.Title, r => ValueOf(r.Usage, m.Metric), m.Explanation)) with { RankBy = m.Key });

    /// <summary>
    /// The change of <paramref name="metric"/> against the previous period (<paramref name="previous"/>, named in the
    /// tooltips), as a count and in percent; both headers re-rank every record of the set by it, not only the rows loaded.
    /// </summary>
    public static IEnumerable<StatColumn<RankedRecordRow>> ChangeColumns(UsageMetric metric, string previous)
    {
        var (_, key, title, _, _) = Of(metric);
        var name = title.ToLowerInvariant();
        yield return new StatColumn<RankedRecordRow>($"{title} change", r => ChangeOf(r, metric))
        {
            Unit = metric == UsageMetric.DataVolume ? NumberUnit.BytesChange : NumberUnit.Change,
            RankBy = key + ChangeSuffix,
            Explanation = $"{title} in the period minus {name} in the previous period ({previous}); click to rank every record by it.",
        };
        yield return new StatColumn<RankedRecordRow>($"{title} % change", r => PercentChangeOf(r, metric))
        {
            Unit = NumberUnit.Percent,
            RankBy = key + RelativeChangeSuffix,
            Explanation = $"The change in {name} against the previous period ({previous}), in percent; \"new\" when the record had none then (ranked last).",
            Show = r => r.PreviousUsage is { } before && ValueOf(before, metric) == 0 && ValueOf(r.Usage, metric) > 0 ? "new" : null,
        };
    }

    /// <summary>
    /// The top <paramref name="size"/> records of <paramref name="records"/> in <paramref name="order"/>, with their usage in the
    /// period and in <paramref name="previous"/> (none without one; a change order then ranks by the count).
    /// </summary>
    public static async Task<IReadOnlyList<RankedRecordRow>> LoadAsync(
        IUsageStats usage, RecordSet records, RecordOrder order, Period period, Period? previous, int size, CancellationToken cancellationToken)
    {
        IReadOnlyList<(string Recid, string? Title)> ranked = order.Change is { } change && previous is { } before
            ? [.. (await usage.TopRecordChangesAsync(records, order.Metric, period, before, change, size, cancellationToken)).Select(r => (r.Recid, r.Title))]
            : [.. (await usage.TopRecordsAsync(records, order.Metric, period, null, size, cancellationToken)).Records.Select(r => (r.Recid, r.Title))];
        if (ranked.Count == 0)
        {
            return [];
        }

        var recids = ranked.Select(r => r.Recid).ToList();
        var countsTask = usage.RecordsAsync(recids, period, cancellationToken);
        var previousTask = previous is { } p ? usage.RecordsAsync(recids, p, cancellationToken) : null;
        var counts = await countsTask;
        var previousCounts = previousTask is null ? null : await previousTask;
        return [.. ranked.Select(r => new RankedRecordRow(
            r.Recid,
            r.Title,
            counts.GetValueOrDefault(r.Recid) ?? RecordUsage.Zero,
            previousCounts is null ? null : previousCounts.GetValueOrDefault(r.Recid) ?? RecordUsage.Zero))];
    }

    public static long ValueOf(RecordUsage usage, UsageMetric metric) => metric switch
    {
        UsageMetric.UniqueViews => usage.UniqueViews,
        UsageMetric.Downloads => usage.Downloads,
        UsageMetric.UniqueDownloads => usage.UniqueDownloads,
        UsageMetric.DataVolume => usage.DataVolume,
        _ => usage.Views,
    };

    /// <summary>Current minus previous; none without a previous period.</summary>
    public static long? ChangeOf(RankedRecordRow row, UsageMetric metric) =>
        row.PreviousUsage is { } before ? ValueOf(row.Usage, metric) - ValueOf(before, metric) : null;

    /// <summary>The change in percent of the previous count, to one decimal; none when there was nothing to compare with.</summary>
    public static double? PercentChangeOf(RankedRecordRow row, UsageMetric metric)
    {
        var was = row.PreviousUsage is { } before ? ValueOf(before, metric) : 0;
        return was == 0 ? null : Math.Round(100.0 * (ValueOf(row.Usage, metric) - was) / was, 1);
    }

    private static (UsageMetric Metric, string Key, string Title, string Superlative, string Explanation) Of(UsageMetric metric) =>
        s_metrics.First(m => m.Metric == metric);
}
