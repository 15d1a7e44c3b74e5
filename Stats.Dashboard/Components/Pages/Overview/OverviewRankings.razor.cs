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
            var records = await Usage.TopRecordsAsync(new RecordSet(), UsageMetric.Views, period, null, Size);
            var usage = records.Records.Count == 0
                ? new Dictionary<string, RecordUsage>()
                : await Usage.RecordsAsync([.. records.Records.Select(r => r.Recid)], period);
            var byViews = await Usage.TopCommunitiesAsync(UsageMetric.Views, period, Size);
            var communities = new List<RankedCommunityRow>();
            foreach (var community in byViews.Communities)
            {
                var downloads = await Usage.TotalsAsync(Stats.Core.Data.StatScope.Community, community.Community, period, null);
                communities.Add(new RankedCommunityRow(community.Community, community.Name, community.Value, downloads.Downloads));
            }

            _records = [.. records.Records.Select(r => new RankedRow(r.Recid, r.Title, usage.GetValueOrDefault(r.Recid) ?? RecordUsage.Zero))];
            _communities = communities;
            _error = null;
        }
        catch (Exception ex)
        {
            Logger.LogError(ex, "The Overview's rankings could not be loaded.");
            _error = $"{ex.GetType().Name}: {ex.Message}";
        }
    }
}
