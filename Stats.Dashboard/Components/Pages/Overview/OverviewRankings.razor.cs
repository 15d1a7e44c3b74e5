using Microsoft.AspNetCore.Components;
using Stats.Core.Queries;
using Stats.Dashboard.Components.Panels;

namespace Stats.Dashboard.Components.Pages.Overview;

public sealed record RankedRow(string Recid, string? Title, RecordUsage Usage);

public sealed record RankedCommunityRow(string Community, string? Name, long Views, long Downloads);

/// <summary>Top records and communities of the Overview's window; it loads again whenever the Overview does (<see cref="Version"/>).</summary>
public sealed partial class OverviewRankings
{
    public const int Size = 10;

    private static readonly StatTarget s_repository = new(StatSubject.Repository, null);

    private static readonly IReadOnlyList<StatColumn<RankedRow>> s_recordColumns =
    [
        StatColumns.Text<RankedRow>("Record", r => r.Title ?? r.Recid, r => $"/records/{Uri.EscapeDataString(r.Recid)}"),
        StatColumns.Count<RankedRow>("Views", r => r.Usage.Views, UsageHeadlines.ViewsExplanation),
        StatColumns.Count<RankedRow>("Unique views", r => r.Usage.UniqueViews, UsageHeadlines.UniqueViewsExplanation),
        StatColumns.Count<RankedRow>("Downloads", r => r.Usage.Downloads, UsageHeadlines.DownloadsExplanation),
        StatColumns.Count<RankedRow>("Unique downloads", r => r.Usage.UniqueDownloads, UsageHeadlines.UniqueDownloadsExplanation),
    ];

    private static readonly IReadOnlyList<StatColumn<RankedCommunityRow>> s_communityColumns =
    [
        StatColumns.Text<RankedCommunityRow>("Community", c => c.Name ?? c.Community, c => $"/communities/{Uri.EscapeDataString(c.Community)}"),
        StatColumns.Count<RankedCommunityRow>("Views", c => c.Views, UsageHeadlines.ViewsExplanation),
        StatColumns.Count<RankedCommunityRow>("Downloads", c => c.Downloads, UsageHeadlines.DownloadsExplanation),
    ];

    private IReadOnlyList<RankedRow>? _records;
    private IReadOnlyList<RankedCommunityRow>? _communities;
    private string? _error;
    private (DateOnly, DateOnly, object?)? _loaded;

    [Inject]
    private IUsageStats Usage { get; set; } = default!;

    [Inject]
    private ILogger<OverviewRankings> Logger { get; set; } = default!;

    [Parameter, EditorRequired]
    public DateOnly From { get; set; }

    [Parameter, EditorRequired]
    public DateOnly To { get; set; }

    /// <summary>Changes when the Overview loaded again: the rankings follow.</summary>
    [Parameter]
    public object? Version { get; set; }

    protected override async Task OnParametersSetAsync()
    {
        if (_loaded != (From, To, Version))
        {
            _loaded = (From, To, Version);
            await LoadAsync();
        }
    }

    private async Task LoadAsync()
    {
        try
        {
            var period = new Period(From, To);
            var records = LoadRecordsAsync(period);
            var communities = LoadCommunitiesAsync(period);
            await Task.WhenAll(records, communities);
            _records = await records;
            _communities = await communities;
            _error = null;
        }
        catch (Exception ex)
        {
            Logger.LogError(ex, "The Overview's rankings could not be loaded.");
            _error = $"{ex.GetType().Name}: {ex.Message}";
        }
    }

    /// <summary>The ranking, then the ranked records' usage in one query, however many rows.</summary>
    private async Task<IReadOnlyList<RankedRow>> LoadRecordsAsync(Period period)
    {
        var records = await Usage.TopRecordsAsync(new RecordSet(), UsageMetric.Views, period, null, Size);
        var usage = records.Records.Count == 0
            ? new Dictionary<string, RecordUsage>()
            : await Usage.RecordsAsync([.. records.Records.Select(r => r.Recid)], period);
        return [.. records.Records.Select(r => new RankedRow(r.Recid, r.Title, usage.GetValueOrDefault(r.Recid) ?? RecordUsage.Zero))];
    }

    /// <summary>The ranking by views, then the ranked communities' downloads in one query, however many rows.</summary>
    private async Task<IReadOnlyList<RankedCommunityRow>> LoadCommunitiesAsync(Period period)
    {
        var byViews = await Usage.TopCommunitiesAsync(UsageMetric.Views, period, Size);
        var usage = await Usage.TotalsOfManyAsync(StatSubject.Community, [.. byViews.Communities.Select(c => c.Community)], period);
        return [.. byViews.Communities.Select(c => new RankedCommunityRow(c.Community, c.Name, c.Value, usage[c.Community].Downloads))];
    }
}
