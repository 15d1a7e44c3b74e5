using System.Globalization;
using Microsoft.AspNetCore.Components;
using Stats.Core.Investigation;
using Stats.Core.Queries;
using Stats.Dashboard.Access;

namespace Stats.Dashboard.Components.Pages.Admin;

/// <summary>
/// The investigation page: its query lives in the URL (scope, id, file_key, from, to, visitor, offset), so that a
/// drill-down link or a link sent to another admin opens the same view.
/// </summary>
public partial class Investigate
{
    /// <summary>Raw events per page of the list.</summary>
    public const int PageSize = 100;

    private static readonly StatTarget s_repository = new(StatSubject.Repository, null);

    private InvestigationScope _scope = InvestigationScope.Repository;
    private string? _id;
    private string? _fileKey;
    private string? _from;
    private string? _to;
    private string? _problem;
    private bool _loading;
    private InvestigationSummary? _summary;
    private InvestigationEventPage? _events;

    [Inject]
    private IInvestigationQueries Queries { get; set; } = default!;

    [Inject]
    private ViewerAccess Access { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [SupplyParameterFromQuery(Name = "scope")]
    public string? Scope { get; set; }

    [SupplyParameterFromQuery(Name = "id")]
    public string? Id { get; set; }

    [SupplyParameterFromQuery(Name = "file_key")]
    public string? FileKey { get; set; }

    [SupplyParameterFromQuery(Name = "from")]
    public string? From { get; set; }

    [SupplyParameterFromQuery(Name = "to")]
    public string? To { get; set; }

    [SupplyParameterFromQuery(Name = "visitor")]
    public string? Visitor { get; set; }

    [SupplyParameterFromQuery(Name = "offset")]
    public int Offset { get; set; }

    protected override async Task OnParametersSetAsync()
    {
        _scope = Enum.TryParse<InvestigationScope>(Scope, ignoreCase: true, out var scope) ? scope : InvestigationScope.Repository;
        (_id, _fileKey, _from, _to) = (Id, FileKey, From, To);
        _summary = null;
        _events = null;
        _problem = null;
        if (From is null || To is null)
        {
            return;
        }

        var request = RequestOf(out _problem);
        if (request is null)
        {
            return;
        }

        // The page reads raw events only for whom the family allows; AccessGate hides the rest, and so must the queries.
        if (await Access.DecideAsync(Stats.Core.Access.StatFamily.Investigation, s_repository) != Stats.Core.Access.AccessDecision.Allowed)
        {
            return;
        }

        _loading = true;
        var viewer = await Access.ViewerAsync();
        var askedBy = viewer.DisplayName ?? viewer.UserId ?? "unknown";
        _summary = await Queries.SummarizeAsync(request, askedBy);
        _events = await Queries.EventsAsync(request, new InvestigationFilter(Visitor), Offset, PageSize, askedBy);
        _loading = false;
    }

    private InvestigationRequest? RequestOf(out string? problem)
    {
        if (!TryTime(_from, out var from) || !TryTime(_to, out var to))
        {
            problem = "From and To are UTC times such as 2026-06-15 10:00.";
            return null;
        }

        var request = new InvestigationRequest(_scope, _id, _fileKey, from, to);
        problem = request.Problem();
        return problem is null ? request : null;
    }

    private void RunInvestigation()
    {
        if (RequestOf(out _problem) is not null)
        {
            Navigation.NavigateTo(Href(offset: 0, visitor: ""));
        }
    }

    /// <summary>This page with the form's query and the given visitor and offset.</summary>
    private string Href(int? offset = null, string? visitor = null) =>
        Navigation.GetUriWithQueryParameters("/admin/investigate", new Dictionary<string, object?>
        {
            ["scope"] = _scope.ToString().ToLowerInvariant(),
            ["id"] = _scope == InvestigationScope.Repository ? null : _id,
            ["file_key"] = _scope == InvestigationScope.File ? _fileKey : null,
            ["from"] = _from,
            ["to"] = _to,
            ["visitor"] = visitor == "" ? null : visitor ?? Visitor,
            ["offset"] = offset is null or 0 ? null : offset,
        });

    private string ExportHref(string format) =>
        Navigation.GetUriWithQueryParameters("/api/investigation/events", new Dictionary<string, object?>
        {
            ["scope"] = _scope.ToString().ToLowerInvariant(),
            ["id"] = _scope == InvestigationScope.Repository ? null : _id,
            ["file_key"] = _scope == InvestigationScope.File ? _fileKey : null,
            ["from"] = TryTime(_from, out var from) ? from.ToString("o", CultureInfo.InvariantCulture) : null,
            ["to"] = TryTime(_to, out var to) ? to.ToString("o", CultureInfo.InvariantCulture) : null,
            ["visitor"] = Visitor,
            ["format"] = format,
        });

    private static bool TryTime(string? text, out DateTime time)
    {
        var parsed = DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var value);
        time = parsed ? value.UtcDateTime : default;
        return parsed;
    }

    private static IEnumerable<(string Title, string Css, IReadOnlyList<InvestigationTop> Top)> Tops(InvestigationSummary summary) =>
    [
        ("Organisations", "stats-investigate-organisations", summary.Organisations),
        ("User-agent families", "stats-investigate-agents", summary.Agents),
        ("Referrer hosts", "stats-investigate-referrers", summary.Referrers),
        ("Countries", "stats-investigate-countries", summary.Countries),
    ];

    private static string Number(int value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Category(InvestigationEvent e) => e.Category switch
    {
        EventCategory.Counted => "counted",
        EventCategory.DoubleClick => "double-click",
        EventCategory.Robot => "robot",
        _ => "machine",
    };
}
