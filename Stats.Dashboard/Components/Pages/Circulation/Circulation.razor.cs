using Microsoft.AspNetCore.Components;
using Stats.Core.Access;
using Stats.Core.Queries;
using Stats.Dashboard.Components.Charts;
using Stats.Dashboard.Components.Panels;

namespace Stats.Dashboard.Components.Pages.Circulation;

/// <summary>The library's circulation (the <c>circulation-*</c> stats): admins only unless an access rule opens it.</summary>
public sealed partial class Circulation : PanelBase
{
    /// <summary>How many documents and locations the tables load (the API's maximum).</summary>
    public const int TableSize = 100;

    private static readonly StatTarget s_repository = new(StatSubject.Repository, null);

    private CirculationData? _data;

    [Inject]
    private IActivityStats ActivityQueries { get; set; } = default!;

    private static IReadOnlyList<StatColumn<CirculationBucket>> DocumentColumns { get; } = Columns("Document", "no document id");

    private static IReadOnlyList<StatColumn<CirculationBucket>> LocationColumns { get; } = Columns("Location", "no location");

    protected override Task LoadAsync(CancellationToken cancellationToken) =>
        LoadSectionsAsync([new(StatFamily.Circulation, s_repository, LoadCirculationAsync)], cancellationToken);

    private async Task LoadCirculationAsync(CancellationToken cancellationToken)
    {
        var period = Range.ToPeriod();
        var totals = ActivityQueries.CirculationAsync(period, cancellationToken);
        var previous = PreviousRange is { } before ? ActivityQueries.CirculationAsync(before.ToPeriod(), cancellationToken) : null;
        var history = ActivityQueries.CirculationHistogramAsync(period, Period.Interval, cancellationToken);
        var documents = ActivityQueries.CirculationByAsync(byLocation: false, period, TableSize, cancellationToken);
        var locations = ActivityQueries.CirculationByAsync(byLocation: true, period, TableSize, cancellationToken);
        var today = ActivityQueries.CirculationAsync(new Period(Today, Today), cancellationToken);
        var yesterday = ActivityQueries.CirculationAsync(new Period(Today.AddDays(-1), Today.AddDays(-1)), cancellationToken);
        _data = new CirculationData(
            await totals, previous is null ? null : await previous, await history, await documents, await locations,
            (await today).Overdue, (await yesterday).Overdue);
    }

    internal static IReadOnlyList<ChartSeries> Series(CirculationData data) => data.History.Buckets.Count == 0
        ? []
        :
        [
            new("Loans", [.. data.History.Buckets.Select(b => (double)b.Values.Loans)]),
            new("Renewals", [.. data.History.Buckets.Select(b => (double)b.Values.Renewals)]),
            new("Returns", [.. data.History.Buckets.Select(b => (double)b.Values.Returns)]),
            new("Overdue", [.. data.History.Buckets.Select(b => (double)b.Values.Overdue)]),
            new("Requests", [.. data.History.Buckets.Select(b => (double)b.Values.Requests)]),
        ];

    private static IEnumerable<(string Key, string Label, long Value, long? Previous, string Explanation)> Cards(CirculationData data)
    {
        var (now, before) = (data.Totals, data.Previous);
        yield return ("loans", "Loans", now.Loans, before?.Loans, "Loans created in the period.");
        yield return ("renewals", "Renewals", now.Renewals, before?.Renewals, "Loans extended in the period.");
        yield return ("returns", "Returns", now.Returns, before?.Returns, "Loans returned in the period.");
        yield return ("overdue", "Overdue", now.Overdue, before?.Overdue,
            "Overdue notices in the period: loans that passed their due date (each notice counts once).");
        yield return ("requests", "Requests", now.Requests, before?.Requests, "Loan requests (holds) placed in the period.");
        yield return ("overdue-today", "Overdue today", data.OverdueToday, data.OverdueYesterday,
            "Overdue notices sent today (UTC), whatever the period, against yesterday: the loans that became overdue now.");
    }

    private static IReadOnlyList<StatColumn<CirculationBucket>> Columns(string keyTitle, string none) =>
    [
        StatColumns.Text<CirculationBucket>(keyTitle, b => b.Key ?? $"({none})"),
        StatColumns.Count<CirculationBucket>("Loans", b => b.Loans, "Loans created in the period."),
        StatColumns.Count<CirculationBucket>("Renewals", b => b.Renewals, "Loans extended in the period."),
        StatColumns.Count<CirculationBucket>("Returns", b => b.Returns, "Loans returned in the period."),
        StatColumns.Count<CirculationBucket>("Overdue", b => b.Overdue, "Overdue notices in the period."),
        StatColumns.Count<CirculationBucket>("Requests", b => b.Requests, "Loan requests in the period."),
    ];

    internal sealed record CirculationData(
        CirculationCounts Totals,
        CirculationCounts? Previous,
        Histogram<CirculationCounts> History,
        CirculationBreakdown Documents,
        CirculationBreakdown Locations,
        long OverdueToday,
        long OverdueYesterday);
}
