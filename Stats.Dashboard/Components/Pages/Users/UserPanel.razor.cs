using Microsoft.AspNetCore.Components;
using Stats.Core.Access;
using Stats.Core.Queries;
using Stats.Dashboard.Components.Panels;

namespace Stats.Dashboard.Components.Pages.Users;

/// <summary>
/// A user's statistics (the records they own: <see cref="StatSubject.Owner"/>), the same numbers as the API's <c>user-stats</c>,
/// <c>user-stats-histogram</c> and <c>user-top-records</c>. Shown by <c>/users/{id}</c> and by <c>/me</c>.
/// </summary>
public sealed partial class UserPanel
{
    /// <summary>How many records the per-record table lists at most (the top of its ranking over all the user's records).</summary>
    public const int MaxRecords = 100;

    private static readonly IReadOnlyList<StatColumn<RankedRecordRow>> s_recordColumns =
    [.. StatColumns.Record<RankedRecordRow>(r => r.Recid, r => r.Title)];

    private UsageCounts? _current;
    private UsageCounts? _previous;
    private UsageSeries? _series;
    private UsageSeries? _previousSeries;
    private IReadOnlyList<RankedRecordRow> _records = [];

    [Inject]
    private IUsageStats Usage { get; set; } = default!;

    /// <summary>The owner id of the records (the repository's user id).</summary>
    [Parameter, EditorRequired]
    public string OwnerId { get; set; } = "";

    [Parameter]
    public string Title { get; set; } = "User";

    [Parameter]
    public string? Subtitle { get; set; }

    /// <summary>"their" or "your", for the explanations.</summary>
    [Parameter]
    public string Possessive { get; set; } = "the user's";

    /// <summary>The count (or its change) the per-record table is ranked by (<c>rank=views_change</c>).</summary>
    [SupplyParameterFromQuery(Name = RecordRankings.RankKey)]
    public string? RankQuery { get; set; }

    private StatTarget Target => new(StatSubject.Owner, OwnerId);

    private RecordOrder Order => RecordRankings.ParseOrder(RankQuery);

    private IReadOnlyList<StatColumn<RankedRecordRow>> Columns => RecordColumns(s_recordColumns, Order.Metric);

    protected override object? LoadKey => (OwnerId, Order);

    protected override Task LoadAsync(CancellationToken cancellationToken) =>
        LoadSectionsAsync([new(StatFamily.Usage, Target, LoadUsageAsync)], cancellationToken);

    private async Task LoadUsageAsync(CancellationToken cancellationToken)
    {
        var target = Target;
        var period = Range.ToPeriod();
        var currentTask = Usage.TotalsAsync(target, period, cancellationToken);
        var previousTask = PreviousRange is { } p ? Usage.TotalsAsync(target, p.ToPeriod(), cancellationToken) : null;
        var histogramTask = Usage.HistogramAsync(target, period, Period.Interval, c => c, cancellationToken);
        var previousHistogramTask = PreviousRange is { } before ? Usage.HistogramAsync(target, before.ToPeriod(), Period.Interval, c => c, cancellationToken) : null;
        var recordsTask = LoadRecordRankingAsync(Usage, new RecordSet(OwnerId: OwnerId), Order, period, PreviousRange?.ToPeriod(), MaxRecords, cancellationToken);
        var current = await currentTask;
        var previous = previousTask is null ? null : await previousTask;
        var histogram = await histogramTask;
        var records = await recordsTask;

        _current = current;
        _previous = previous;
        _series = UsageSeries.From(histogram);
        _previousSeries = previousHistogramTask is null ? null : UsageSeries.From(await previousHistogramTask);
        _records = records;
    }
}
