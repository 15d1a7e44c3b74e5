using Microsoft.AspNetCore.Components;
using Stats.Core.Access;
using Stats.Core.Queries;
using Stats.Dashboard.Components.Panels;

namespace Stats.Dashboard.Components.Pages.Records;

/// <summary>
/// The Records panel's start: the records most used in the period, ranked over the whole period by any of the four counts or
/// the data volume (the API's <c>records-popular</c>), of the whole repository, a community or an owner (all in the URL),
/// filtered by id or title as one types; Enter opens a record by its id.
/// </summary>
public sealed partial class Records
{
    public const int MaxRecords = 100;

    /// <summary>The URL's keys of the filters.</summary>
    public const string CommunityKey = "community";
    public const string OwnerKey = "owner";

    private static readonly IReadOnlyList<StatColumn<RankedRecordRow>> s_recordColumns =
    [.. StatColumns.Record<RankedRecordRow>(r => r.Recid, r => r.Title)];

    private IReadOnlyList<RankedRecordRow>? _records;
    private string? _search;
    private string? _communityInput;
    private string? _ownerInput;

    [Inject]
    private IUsageStats Usage { get; set; } = default!;

    [SupplyParameterFromQuery(Name = RecordRankings.RankKey)]
    public string? RankQuery { get; set; }

    [SupplyParameterFromQuery(Name = CommunityKey)]
    public string? CommunityQuery { get; set; }

    [SupplyParameterFromQuery(Name = OwnerKey)]
    public string? OwnerQuery { get; set; }

    protected override object? LoadKey => (Order, Community, Owner);

    private RecordOrder Order => RecordRankings.ParseOrder(RankQuery);

    private IReadOnlyList<StatColumn<RankedRecordRow>> Columns => RecordColumns(s_recordColumns, Order.Metric);

    private string? Community => string.IsNullOrWhiteSpace(CommunityQuery) ? null : CommunityQuery.Trim();

    private string? Owner => string.IsNullOrWhiteSpace(OwnerQuery) ? null : OwnerQuery.Trim();

    /// <summary>Whose usage is ranked: a filter's scope is what its access rule decides on (an owner's records may be private).</summary>
    private StatTarget Target => Owner is { } owner ? new(StatSubject.Owner, owner)
        : Community is { } community ? new(StatSubject.Community, community)
        : new(StatSubject.Repository, null);

    private string Scope => (Community, Owner) switch
    {
        ({ } community, { } owner) => $" of community {community} owned by {owner}",
        ({ } community, null) => $" of community {community}",
        (null, { } owner) => $" owned by {owner}",
        _ => "",
    };

    private string TableTitle => Order.Change is null
        ? $"{RecordRankings.SuperlativeOf(Order.Metric)}{Scope}"
        : $"Records{Scope} by {RecordRankings.NameOf(Order)}";

    /// <summary>The CSV's name says what was ranked and when: <c>hep-top-records-by-downloads-2025-12-07_2026-12-06.csv</c>.</summary>
    private string FileName => FileNameOf(string.Join('-', new[] { Community, Owner, "top-records-by-" + RecordRankings.KeyOf(Order) }.OfType<string>()));

    private IReadOnlyList<RankedRecordRow> Filtered => string.IsNullOrWhiteSpace(_search)
        ? _records ?? []
        : [.. (_records ?? []).Where(r =>
            r.Recid.Contains(_search.Trim(), StringComparison.OrdinalIgnoreCase) ||
            (r.Title?.Contains(_search.Trim(), StringComparison.OrdinalIgnoreCase) ?? false))];

    protected override void OnParametersSet()
    {
        _communityInput = Community;
        _ownerInput = Owner;
    }

    protected override Task LoadAsync(CancellationToken cancellationToken) =>
        LoadSectionsAsync([new(StatFamily.Usage, Target, LoadRecordsAsync)], cancellationToken);

    /// <summary>The ranking, then the ranked records' usage in one query, however many rows.</summary>
    private async Task LoadRecordsAsync(CancellationToken cancellationToken) =>
        _records = await LoadRecordRankingAsync(Usage, new RecordSet(Community, Owner), Order, Range.ToPeriod(), PreviousRange?.ToPeriod(), MaxRecords, cancellationToken);

    private void ApplyFilters() =>
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameters(new Dictionary<string, object?>
        {
            [CommunityKey] = string.IsNullOrWhiteSpace(_communityInput) ? null : _communityInput.Trim(),
            [OwnerKey] = string.IsNullOrWhiteSpace(_ownerInput) ? null : _ownerInput.Trim(),
        }));

    private void ClearFilter(string key) => Navigation.NavigateTo(Navigation.GetUriWithQueryParameter(key, (string?)null));

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
