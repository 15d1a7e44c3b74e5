using Microsoft.AspNetCore.Components;
using Stats.Core.Access;
using Stats.Core.Queries;
using Stats.Dashboard.Components.Panels;

namespace Stats.Dashboard.Components.Pages.Communities;

/// <summary>
/// The list of communities to find one: a search over ids and names and a sort by views, downloads or records, both in the
/// URL with the period. Each row links to the community's panel.
/// </summary>
public sealed partial class Communities : PanelBase
{
    public const string SearchKey = "q";
    public const string SortKey = "sort";

    private static readonly StatTarget s_repository = new(StatSubject.Repository, null);

    private static readonly IReadOnlyList<QueryOption> s_sortOptions =
        [new("", "Views"), new("downloads", "Downloads"), new("records", "Live records"), new("new-records", "New records"), new("name", "Name")];

    private static readonly IReadOnlyList<StatColumn<CommunityListing>> s_columns =
    [
        .. StatColumns.Community<CommunityListing>(c => c.Community, c => c.Name),
        StatColumns.Count<CommunityListing>("Live records", c => c.Records, "Records of the community in the catalog today, not deleted."),
        StatColumns.Count<CommunityListing>("New records", c => c.NewRecords, "Records published in the community in the period."),
        StatColumns.Count<CommunityListing>("Views", c => c.Views, "COUNTER views of the community's records in the period."),
        StatColumns.Count<CommunityListing>("Downloads", c => c.Downloads, "COUNTER downloads of the community's records in the period."),
    ];

    private CommunityDirectory? _directory;

    [Inject]
    private IActivityStats ActivityQueries { get; set; } = default!;

    [SupplyParameterFromQuery(Name = SearchKey)]
    public string? Search { get; set; }

    /// <summary>downloads, records, new-records or name; views when absent.</summary>
    [SupplyParameterFromQuery(Name = SortKey)]
    public string? SortQuery { get; set; }

    private string TableTitle => string.IsNullOrWhiteSpace(Search) ? "All communities" : $"Communities matching \"{Search}\"";

    /// <summary>The communities matching the search, in the chosen order (ties by id).</summary>
    internal IReadOnlyList<CommunityListing> Shown
    {
        get
        {
            var all = _directory?.Communities ?? [];
            var search = Search?.Trim();
            var matching = string.IsNullOrEmpty(search)
                ? all
                : all.Where(c => c.Community.Contains(search, StringComparison.OrdinalIgnoreCase)
                    || (c.Name?.Contains(search, StringComparison.OrdinalIgnoreCase) ?? false));
            IOrderedEnumerable<CommunityListing> sorted = SortQuery switch
            {
                "downloads" => matching.OrderByDescending(c => c.Downloads),
                "records" => matching.OrderByDescending(c => c.Records),
                "new-records" => matching.OrderByDescending(c => c.NewRecords),
                "name" => matching.OrderBy(c => c.Name ?? c.Community, StringComparer.OrdinalIgnoreCase),
                _ => matching.OrderByDescending(c => c.Views),
            };
            return [.. sorted.ThenBy(c => c.Community, StringComparer.Ordinal)];
        }
    }

    protected override Task LoadAsync(CancellationToken cancellationToken) =>
        LoadSectionsAsync(
            [new(StatFamily.Usage, s_repository, async ct => _directory = await ActivityQueries.CommunitiesAsync(Range.ToPeriod(), method: null, ct))],
            cancellationToken);

    private void OnSearchChanged(ChangeEventArgs e)
    {
        var search = (e.Value as string)?.Trim();
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameter(SearchKey, string.IsNullOrEmpty(search) ? null : search), replace: true);
    }
}
