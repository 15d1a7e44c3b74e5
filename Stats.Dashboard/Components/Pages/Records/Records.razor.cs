using Microsoft.AspNetCore.Components;
using Stats.Core.Access;
using Stats.Core.Queries;
using Stats.Dashboard.Components.Panels;

namespace Stats.Dashboard.Components.Pages.Records;

/// <summary>A record of the ranking, with its usage in the period.</summary>
public sealed record TopRecordRow(string Recid, string? Title, RecordUsage Usage);

/// <summary>
/// The Records panel's start: the most viewed records of the period (the API's <c>records-popular</c>) with their downloads,
/// filtered by id or title as one types; Enter opens a record by its id.
/// </summary>
public sealed partial class Records
{
    public const int MaxRecords = 100;

    private static readonly StatTarget s_repository = new(StatSubject.Repository, null);

    private static readonly IReadOnlyList<StatColumn<TopRecordRow>> s_columns =
    [
        StatColumns.Text<TopRecordRow>("Record", r => r.Title ?? r.Recid, r => $"/records/{Uri.EscapeDataString(r.Recid)}"),
        StatColumns.Text<TopRecordRow>("Recid", r => r.Recid),
        StatColumns.Count<TopRecordRow>("Views", r => r.Usage.Views, UsageHeadlines.ViewsExplanation),
        StatColumns.Count<TopRecordRow>("Unique views", r => r.Usage.UniqueViews, UsageHeadlines.UniqueViewsExplanation),
        StatColumns.Count<TopRecordRow>("Downloads", r => r.Usage.Downloads, UsageHeadlines.DownloadsExplanation),
        StatColumns.Count<TopRecordRow>("Unique downloads", r => r.Usage.UniqueDownloads, UsageHeadlines.UniqueDownloadsExplanation),
    ];

    private IReadOnlyList<TopRecordRow>? _records;
    private string? _search;

    [Inject]
    private IUsageStats Usage { get; set; } = default!;

    private IReadOnlyList<TopRecordRow> Filtered => string.IsNullOrWhiteSpace(_search)
        ? _records ?? []
        : [.. (_records ?? []).Where(r =>
            r.Recid.Contains(_search.Trim(), StringComparison.OrdinalIgnoreCase) ||
            (r.Title?.Contains(_search.Trim(), StringComparison.OrdinalIgnoreCase) ?? false))];

    protected override Task LoadAsync(CancellationToken cancellationToken) =>
        LoadSectionsAsync([new(StatFamily.Usage, s_repository, LoadRecordsAsync)], cancellationToken);

    /// <summary>The ranking, then the ranked records' usage in one query, however many rows.</summary>
    private async Task LoadRecordsAsync(CancellationToken cancellationToken)
    {
        var period = Range.ToPeriod();
        var ranking = await Usage.TopRecordsAsync(new RecordSet(), UsageMetric.Views, period, null, MaxRecords, cancellationToken);
        var usage = ranking.Records.Count == 0
            ? new Dictionary<string, RecordUsage>()
            : await Usage.RecordsAsync([.. ranking.Records.Select(r => r.Recid)], period, cancellationToken);
        _records = [.. ranking.Records.Select(r => new TopRecordRow(r.Recid, r.Title, usage.GetValueOrDefault(r.Recid) ?? RecordUsage.Zero))];
    }

    private void Open()
    {
        if (string.IsNullOrWhiteSpace(_search))
        {
            return;
        }

        var text = _search.Trim();
        var match = Filtered.Count == 1 ? Filtered[0].Recid : text;
        Navigation.NavigateTo($"/records/{Uri.EscapeDataString(match)}?{Period.ToQueryString()}");
    }
}
