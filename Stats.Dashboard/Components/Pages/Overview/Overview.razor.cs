using Microsoft.AspNetCore.Components;
using Stats.Core.Access;
using Stats.Core.Queries;
using Stats.Dashboard.Components.Charts;
using Stats.Dashboard.Components.Panels;

namespace Stats.Dashboard.Components.Pages.Overview;

/// <summary>
/// The home page, the one everyone opens first: the repository's six headline numbers against the previous period, one main
/// chart of the metric whose card is chosen (<c>?metric=downloads</c>) with the previous period drawn faintly behind it, the
/// top records, communities and countries, library circulation and the SIP store on cards of their own for those who may see
/// them, and the pipeline's health for admins. The period is the panels' (<c>?period=12m</c>); it reloads when the aggregator
/// rewrites a day it shows or compares with.
/// </summary>
public sealed partial class Overview : PanelBase
{
    /// <summary>The URL's key for the charted metric.</summary>
    public const string MetricKey = "metric";

    private static readonly StatTarget s_repository = new(StatSubject.Repository, null);

    private OverviewSummary? _summary;
    private Compared<CirculationCounts>? _circulation;
    private Compared<SipStoreSummary>? _sipStore;
    private bool _queried;

    [Inject]
    private IOverviewQueries Queries { get; set; } = default!;

    [Inject]
    private IServiceProvider Services { get; set; } = default!;

    /// <summary>The metric the chart shows; views for none or an unknown one.</summary>
    [SupplyParameterFromQuery(Name = MetricKey)]
    public string? MetricQuery { get; set; }

    /// <summary>
    /// The numbers the prerendered page showed, handed over to the interactive page so that one visit runs the query once,
    /// not twice.
    /// </summary>
    [PersistentState]
    public OverviewSummary? PrerenderedSummary { get; set; }

    private Metric Metric => DisplayNames.ParseMetric(MetricQuery) ?? Metric.Views;

    protected override async Task LoadAsync(CancellationToken cancellationToken)
    {
        var period = Range.ToPeriod();
        var previous = PreviousRange?.ToPeriod();
        await LoadSectionsAsync(
            [
                new(StatFamily.Usage, s_repository, async ct => _summary = await SummaryAsync(period, previous, ct)),
                new(StatFamily.Circulation, s_repository, async ct => _circulation = await ComparedAsync(
                    (p, c) => Services.GetRequiredService<IActivityStats>().CirculationAsync(p, c), period, previous, ct)),
                new(StatFamily.SipStore, s_repository, async ct => _sipStore = await ComparedAsync(
                    (p, c) => Services.GetRequiredService<ISipStoreStats>().SummaryAsync(null, p, c), period, previous, ct)),
            ],
            cancellationToken);
    }

    private async Task<OverviewSummary> SummaryAsync(Period period, Period? previous, CancellationToken cancellationToken)
    {
        // Only the first load takes the prerendered numbers: a reload is for newer ones.
        var first = !_queried;
        _queried = true;
        if (first && PrerenderedSummary is { } handedOver && handedOver.Period == period && handedOver.PreviousPeriod == previous && handedOver.Interval == Period.Interval)
        {
            return handedOver;
        }

        return PrerenderedSummary = await Queries.GetSummaryAsync(period, previous, Period.Interval, cancellationToken);
    }

    /// <summary>The same numbers over the period and the previous one, read together.</summary>
    private static async Task<Compared<T>> ComparedAsync<T>(
        Func<Period, CancellationToken, Task<T>> read, Period period, Period? previous, CancellationToken cancellationToken)
        where T : class
    {
        var current = read(period, cancellationToken);
        var before = previous is { } p ? read(p, cancellationToken) : null;
        return new Compared<T>(await current, before is null ? null : await before);
    }

    /// <summary>Another card charts its metric: the URL changes, the numbers loaded stay (they hold every metric).</summary>
    private void SelectMetric(string key) =>
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameter(MetricKey, key == DisplayNames.KeyOf(Metric.Views) ? null : key));

    internal static long ValueOf(RepositoryCounts counts, Metric metric) => metric switch
    {
        Metric.Views => counts.Views,
        Metric.UniqueViews => counts.UniqueViews,
        Metric.Downloads => counts.Downloads,
        Metric.UniqueDownloads => counts.UniqueDownloads,
        Metric.DataVolume => counts.DataVolume,
        _ => counts.NewRecords,
    };

    private static NumberUnit UnitOf(Metric metric) => metric == Metric.DataVolume ? NumberUnit.Bytes : NumberUnit.Count;

    private static string ExplanationOf(Metric metric) => metric switch
    {
        Metric.Views => UsageHeadlines.ViewsExplanation,
        Metric.UniqueViews => UsageHeadlines.UniqueViewsExplanation,
        Metric.Downloads => UsageHeadlines.DownloadsExplanation,
        Metric.UniqueDownloads => UsageHeadlines.UniqueDownloadsExplanation,
        Metric.DataVolume => UsageHeadlines.DataVolumeExplanation,
        _ => "Records published in the repository in the period (each version counts), from the records' lifecycle events.",
    };

    private static string ChartExplanation(OverviewSummary summary) =>
        $"Per {Histograms.Name(summary.Interval)}, the whole repository." + (summary.PreviousPeriod is not null ? " The dashed line is the previous period, day for day." : "");

    internal static IReadOnlyList<DateOnly> Days(OverviewSummary summary) => [.. summary.History.Select(b => b.Date)];

    /// <summary>The metric over the period, one point per bucket; nothing at all when the whole period has none of it.</summary>
    internal static IReadOnlyList<ChartSeries> CurrentSeries(OverviewSummary summary, Metric metric) =>
        summary.History.Any(b => ValueOf(b.Counts, metric) != 0)
            ? [new ChartSeries(DisplayNames.Of(metric), [.. summary.History.Select(b => (double)ValueOf(b.Counts, metric))])]
            : [];

    /// <summary>
    /// The metric over the previous period, bucket for bucket under the current ones (its first bucket under the first), cut or
    /// padded with zeros to as many points; none for all time.
    /// </summary>
    internal static IReadOnlyList<ChartSeries>? PreviousSeries(OverviewSummary summary, Metric metric, DayRange? previous)
    {
        if (summary.PreviousPeriod is null || previous is not { From: { } from } range)
        {
            return null;
        }

        var values = summary.PreviousHistory.Select(b => (double)ValueOf(b.Counts, metric)).ToList();
        var points = Enumerable.Range(0, summary.History.Count).Select(i => i < values.Count ? values[i] : 0).ToList();
        return [new ChartSeries($"{DisplayNames.Of(metric)} (previous: {PanelPeriod.DescribeRange(from, range.To)})", points)];
    }

    /// <summary>Numbers of the period and of the previous one (null for all time).</summary>
    private sealed record Compared<T>(T Current, T? Previous)
        where T : class;
}
