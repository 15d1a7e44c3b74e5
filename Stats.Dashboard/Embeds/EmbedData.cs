using Stats.Core.Access;
using Stats.Core.Queries;

namespace Stats.Dashboard.Embeds;

/// <summary>
/// What one embed shows, whatever its form (HTML, badge, JSON): nothing but "not public" when an anonymous visitor may
/// not see the usage; else the totals of the period, those of all versions (a record with versions, when they are
/// public too), and the series the sparkline draws.
/// </summary>
public sealed record EmbedData(
    EmbedSubject Subject, string Id, bool IsPublic, UsageCounts Totals, UsageCounts? AllVersions,
    Histogram<UsageCounts> Series, DateOnly? From, DateOnly To, Interval Interval)
{
    public static long Value(UsageCounts counts, EmbedMetric metric) => metric switch
    {
        EmbedMetric.Views => counts.Views,
        EmbedMetric.Downloads => counts.Downloads,
        EmbedMetric.UniqueViews => counts.UniqueViews,
        EmbedMetric.UniqueDownloads => counts.UniqueDownloads,
        _ => counts.DataVolume,
    };

    /// <summary>The dashboard's panel of the same subject, which an anonymous visitor may open when the usage is public.</summary>
    public string PanelPath => Subject switch
    {
        EmbedSubject.Record => $"/records/{Uri.EscapeDataString(Id)}",
        EmbedSubject.Community => $"/communities/{Uri.EscapeDataString(Id)}",
        _ => $"/users/{Uri.EscapeDataString(Id)}",
    };

    public static StatTarget TargetOf(EmbedSubject subject, string id) => subject switch
    {
        EmbedSubject.Record => new StatTarget(StatSubject.Record, id),
        EmbedSubject.Community => new StatTarget(StatSubject.Community, id),
        _ => new StatTarget(StatSubject.Owner, id),
    };

    /// <summary>
    /// Reads what the embed shows, as an anonymous visitor: the answer is cached and public, so it cannot depend on who
    /// looks. One aggregate query; a record's parent is read only when it has other versions, for their access rule.
    /// </summary>
    public static async Task<EmbedData> LoadAsync(
        IAccessPolicy policy, IEmbedStats stats, IUsageStats usage, EmbedSubject subject, string id, EmbedQuery query, DateOnly today,
        CancellationToken cancellationToken)
    {
        var target = TargetOf(subject, id);
        var (from, to, interval) = query.Range(today);
        if (await policy.DecideAsync(StatsViewer.Anonymous, StatFamily.Usage, target, cancellationToken) != AccessDecision.Allowed)
        {
            return new EmbedData(subject, id, false, UsageCounts.Zero, null, new Histogram<UsageCounts>(Histograms.Name(interval), []), null, to, interval);
        }

        var found = await stats.UsageAsync(target, from, to, cancellationToken);
        UsageCounts? allVersions = null;
        if (found.AllVersionsDays.Count > 0
            && await usage.RecordInfoAsync(id, cancellationToken) is { ParentRecid: { } parent }
            && await policy.DecideAsync(StatsViewer.Anonymous, StatFamily.Usage, new StatTarget(StatSubject.Concept, parent), cancellationToken) == AccessDecision.Allowed)
        {
            allVersions = Sum(found.AllVersionsDays);
        }

        // All time starts where the usage starts: a sparkline of empty years says nothing.
        DateOnly? start = from == DateOnly.MinValue ? (found.Days.Count > 0 ? Histograms.PeriodStart(found.Days[0].Day, interval) : null) : from;
        var series = start is { } first
            ? Histograms.Build(found.Days.Select(d => (d.Day, d.Counts)), first, to, interval)
            : new Histogram<UsageCounts>(Histograms.Name(interval), []);
        return new EmbedData(subject, id, true, Sum(found.Days), allVersions, series, start, to, interval);
    }

    private static UsageCounts Sum(IEnumerable<DailyUsage> days) => days.Aggregate(UsageCounts.Zero, (sum, d) => UsageCounts.Add(sum, d.Counts));
}
