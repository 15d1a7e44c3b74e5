using Microsoft.AspNetCore.Components;
using Stats.Core.Access;
using Stats.Core.Queries;
using Stats.Dashboard.Access;
using Stats.Dashboard.Components.Panels;

namespace Stats.Dashboard.Components.Pages.Overview;

public sealed record RankedRow(string Recid, string? Title, RecordUsage Usage);

public sealed record RankedCommunityRow(string Community, string? Name, long Views);

/// <summary>
/// Top records, communities and countries of the Overview's period; it loads again whenever the Overview does
/// (<see cref="Version"/>). Records and communities show their titles, with the id under them.
/// </summary>
public sealed partial class OverviewRankings
{
    public const int Size = 10;

    private static readonly StatTarget s_repository = new(StatSubject.Repository, null);

    private static readonly IReadOnlyList<StatColumn<RankedRow>> s_recordColumns =
    [
        .. StatColumns.Record<RankedRow>(r => r.Recid, r => r.Title),
        StatColumns.Count<RankedRow>(DisplayNames.Of(Metric.Views), r => r.Usage.Views, UsageHeadlines.ViewsExplanation),
        StatColumns.Count<RankedRow>(DisplayNames.Of(Metric.Downloads), r => r.Usage.Downloads, UsageHeadlines.DownloadsExplanation),
    ];

    private static readonly IReadOnlyList<StatColumn<RankedCommunityRow>> s_communityColumns =
    [
        .. StatColumns.Community<RankedCommunityRow>(c => c.Community, c => c.Name),
        StatColumns.Count<RankedCommunityRow>(DisplayNames.Of(Metric.Views), c => c.Views, UsageHeadlines.ViewsExplanation),
    ];

    private static readonly IReadOnlyList<StatColumn<CountryBucket>> s_countryColumns =
    [
        .. StatColumns.Country<CountryBucket>(c => c.Country),
        StatColumns.Count<CountryBucket>(DisplayNames.Of(Metric.Views), c => c.Views, UsageHeadlines.ViewsExplanation),
    ];

    private IReadOnlyList<RankedRow>? _records;
    private IReadOnlyList<RankedCommunityRow>? _communities;
    private IReadOnlyList<CountryBucket>? _countries;
    private string? _error;
    private (Period, object?)? _loaded;

    [Inject]
    private IUsageStats Usage { get; set; } = default!;

    [Inject]
    private ViewerAccess Access { get; set; } = default!;

    [Inject]
    private ILogger<OverviewRankings> Logger { get; set; } = default!;

    [Parameter, EditorRequired]
    public Period Period { get; set; }

    /// <summary>Changes when the Overview loaded again: the rankings follow.</summary>
    [Parameter]
    public object? Version { get; set; }

    /// <summary>The Overview's period as a query string, so that a record's or a community's panel opens on the same days.</summary>
    [Parameter]
    public string? LinkQuery { get; set; }

    protected override async Task OnParametersSetAsync()
    {
        if (_loaded != (Period, Version))
        {
            _loaded = (Period, Version);
            await LoadAsync();
        }
    }

    private async Task LoadAsync()
    {
        try
        {
            var records = LoadRecordsAsync(Period);
            var communities = LoadCommunitiesAsync(Period);
            var countries = LoadCountriesAsync(Period);
            await Task.WhenAll(records, communities, countries);
            _records = await records;
            _communities = await communities;
            _countries = await countries;
            _error = null;
        }
        catch (Exception ex)
        {
            Logger.LogError(ex, "The Overview's rankings could not be loaded.");
            _error = $"{ex.GetType().Name}: {ex.Message}";
        }
    }

    /// <summary>
    /// The ranking, then the ranked records' usage in one query, however many rows; the titles of records the viewer may not
    /// open are left out (one access decision for all the rows).
    /// </summary>
    private async Task<IReadOnlyList<RankedRow>> LoadRecordsAsync(Period period)
    {
        var records = await Usage.TopRecordsAsync(new RecordSet(), UsageMetric.Views, period, null, Size);
        IReadOnlyList<string> recids = [.. records.Records.Select(r => r.Recid)];
        var usage = records.Records.Count == 0
            ? new Dictionary<string, RecordUsage>()
            : await Usage.RecordsAsync(recids, period);
        IReadOnlyList<RankedRow> rows = [.. records.Records.Select(r => new RankedRow(r.Recid, r.Title, usage.GetValueOrDefault(r.Recid) ?? RecordUsage.Zero))];
        return await Access.WithoutHiddenTitlesAsync(rows, r => r.Recid, r => r with { Title = null });
    }

    private async Task<IReadOnlyList<RankedCommunityRow>> LoadCommunitiesAsync(Period period)
    {
        var byViews = await Usage.TopCommunitiesAsync(UsageMetric.Views, period, Size);
        return [.. byViews.Communities.Select(c => new RankedCommunityRow(c.Community, c.Name, c.Value))];
    }

    /// <summary>Only when the viewer may see the countries: a closed gate reads nothing.</summary>
    private async Task<IReadOnlyList<CountryBucket>> LoadCountriesAsync(Period period)
    {
        if (await Access.DecideAsync(StatFamily.Countries, s_repository) != AccessDecision.Allowed)
        {
            return [];
        }

        return [.. (await Usage.CountriesAsync(s_repository, period)).Buckets.Take(Size)];
    }
}
