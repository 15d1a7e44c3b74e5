using Microsoft.AspNetCore.Components;
using Stats.Core.Access;
using Stats.Core.Queries;
using Stats.Dashboard.Components.Panels;

namespace Stats.Dashboard.Components.Pages.Users;

/// <summary>One record of a user, with its usage in the period.</summary>
public sealed record UserRecordRow(string Recid, string? Title, RecordUsage Usage);

/// <summary>
/// A user's statistics (the records they own: <see cref="StatSubject.Owner"/>), the same numbers as the API's <c>user-stats</c>,
/// <c>user-stats-histogram</c> and <c>user-top-records</c>. Shown by <c>/users/{id}</c> and by <c>/me</c>.
/// </summary>
public sealed partial class UserPanel
{
    /// <summary>How many records the per-record table lists at most (by views and by downloads).</summary>
    public const int MaxRecords = 100;

    private static readonly IReadOnlyList<StatColumn<UserRecordRow>> s_columns =
    [
        StatColumns.Text<UserRecordRow>("Record", r => r.Title ?? r.Recid, r => $"/records/{Uri.EscapeDataString(r.Recid)}"),
        StatColumns.Text<UserRecordRow>("Recid", r => r.Recid),
        StatColumns.Count<UserRecordRow>("Views", r => r.Usage.Views, UsageHeadlines.ViewsExplanation),
        StatColumns.Count<UserRecordRow>("Unique views", r => r.Usage.UniqueViews, UsageHeadlines.UniqueViewsExplanation),
        StatColumns.Count<UserRecordRow>("Downloads", r => r.Usage.Downloads, UsageHeadlines.DownloadsExplanation),
        StatColumns.Count<UserRecordRow>("Unique downloads", r => r.Usage.UniqueDownloads, UsageHeadlines.UniqueDownloadsExplanation),
    ];

    private UsageCounts? _current;
    private UsageCounts? _previous;
    private UsageSeries? _series;
    private IReadOnlyList<UserRecordRow> _records = [];

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

    private StatTarget Target => new(StatSubject.Owner, OwnerId);

    protected override object? LoadKey => OwnerId;

    protected override Task LoadAsync(CancellationToken cancellationToken) =>
        LoadSectionsAsync([new(StatFamily.Usage, Target, LoadUsageAsync)], cancellationToken);

    private async Task LoadUsageAsync(CancellationToken cancellationToken)
    {
        var target = Target;
        var period = Range.ToPeriod();
        var currentTask = Usage.TotalsAsync(target, period, cancellationToken);
        var previousTask = PreviousRange is { } p ? Usage.TotalsAsync(target, p.ToPeriod(), cancellationToken) : null;
        var histogramTask = Usage.HistogramAsync(target, period, Period.Interval, c => c, cancellationToken);
        var byViewsTask = Usage.TopRecordsAsync(new RecordSet(OwnerId: OwnerId), UsageMetric.Views, period, null, MaxRecords, cancellationToken);
        var byDownloadsTask = Usage.TopRecordsAsync(new RecordSet(OwnerId: OwnerId), UsageMetric.Downloads, period, null, MaxRecords, cancellationToken);
        var current = await currentTask;
        var previous = previousTask is null ? null : await previousTask;
        var histogram = await histogramTask;
        var byViews = await byViewsTask;
        var byDownloads = await byDownloadsTask;
        var titles = byViews.Records.Concat(byDownloads.Records)
            .GroupBy(r => r.Recid, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Title, StringComparer.Ordinal);
        var usage = titles.Count == 0 ? new Dictionary<string, RecordUsage>() : await Usage.RecordsAsync(titles.Keys, period, cancellationToken);

        _current = current;
        _previous = previous;
        _series = UsageSeries.From(histogram);
        _records =
        [
            .. titles.Select(t => new UserRecordRow(t.Key, t.Value, usage.GetValueOrDefault(t.Key) ?? RecordUsage.Zero))
                .OrderByDescending(r => r.Usage.Views).ThenByDescending(r => r.Usage.Downloads).ThenBy(r => r.Recid, StringComparer.Ordinal),
        ];
    }
}
