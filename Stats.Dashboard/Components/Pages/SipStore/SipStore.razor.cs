using System.Globalization;
using Microsoft.AspNetCore.Components;
using Stats.Core.Access;
using Stats.Core.Queries;
using Stats.Dashboard.Components.Charts;
using Stats.Dashboard.Components.Panels;

namespace Stats.Dashboard.Components.Pages.SipStore;

/// <summary>
/// The SIP store (the <c>sipstore-*</c> stats), of the repository or of one community chosen in the URL: admins only unless
/// an access rule opens it. Served at /sip-store (the drawer's) and /sipstore (the issue's).
/// </summary>
public sealed partial class SipStore : PanelBase
{
    public const string CommunityKey = "community";

    /// <summary>How many failures the table loads (the API's maximum).</summary>
    public const int FailureListSize = 1000;

    private static readonly IReadOnlyList<StatColumn<SipFailure>> s_failureColumns =
    [
        StatColumns.Text<SipFailure>("SIP", f => f.SipId),
        .. StatColumns.Record<SipFailure>(f => f.Recid, f => f.Title),
        new("Processed at (UTC)", f => f.ProcessedAt?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)),
    ];

    private SipData? _data;
    private IReadOnlyList<CommunityListing> _communities = [];

    [Inject]
    private ISipStoreStats SipQueries { get; set; } = default!;

    [Inject]
    private IActivityStats ActivityQueries { get; set; } = default!;

    /// <summary>The community's id; the whole repository when absent.</summary>
    [SupplyParameterFromQuery(Name = CommunityKey)]
    public string? Community { get; set; }

    protected override object? LoadKey => Community;

    private StatTarget Target => Community is null ? new(StatSubject.Repository, null) : new(StatSubject.Community, Community);

    private IReadOnlyList<QueryOption> CommunityOptions =>
    [
        new("", "Whole repository"),
        .. _communities.Select(c => new QueryOption(c.Community, c.Name ?? c.Community)),
        .. Community is not null && _communities.All(c => c.Community != Community) ? [new QueryOption(Community, Community)] : Array.Empty<QueryOption>(),
    ];

    protected override async Task LoadAsync(CancellationToken cancellationToken)
    {
        // The community choice lists the catalog, whatever the viewer may see of the SIP store.
        var communities = ActivityQueries.CommunitiesAsync(Range.ToPeriod(), null, cancellationToken);
        await LoadSectionsAsync([new(StatFamily.SipStore, Target, LoadSipsAsync)], cancellationToken);
        _communities = (await communities).Communities;
    }

    private async Task LoadSipsAsync(CancellationToken cancellationToken)
    {
        var period = Range.ToPeriod();
        var community = Community;
        var summary = SipQueries.SummaryAsync(community, period, cancellationToken);
        var previous = PreviousRange is { } before ? SipQueries.SummaryAsync(community, before.ToPeriod(), cancellationToken) : null;
        var failures = SipQueries.FailuresAsync(community, period, FailureListSize, cancellationToken);
        var history = SipQueries.ArchiveSizeHistogramAsync(community, period, Period.Interval, cancellationToken);
        var failed = await failures;
        var untitled = await Access.RecordsNotOpenAsync([.. failed.Buckets.Select(f => f.Recid).OfType<string>().Distinct(StringComparer.Ordinal)], cancellationToken);
        failed = untitled.Count == 0 ? failed : new SipFailures([.. failed.Buckets.Select(f => f.Recid is { } recid && untitled.Contains(recid) ? f with { Title = null } : f)]);
        _data = new SipData(await summary, previous is null ? null : await previous, failed, await history);
    }

    /// <summary>In gigabytes (10^9 bytes, to the megabyte): an axis of ten-digit byte counts is unreadable.</summary>
    internal static IReadOnlyList<ChartSeries> ArchiveSeries(SipData data) => data.ArchiveHistory.Buckets.All(b => b.Values.Bytes == 0)
        ? []
        : [new("Archive size (GB)", [.. data.ArchiveHistory.Buckets.Select(b => Math.Round(b.Values.Bytes / 1e9, 3))])];

    /// <summary>Delays are shown in whole seconds; none (no SIP processed) as 0.</summary>
    private static long Seconds(double? seconds) => (long)Math.Round(seconds ?? 0);

    private static long? PreviousSeconds(double? seconds) => seconds is null ? null : Seconds(seconds);

    private static double Share(long part, long whole) => whole == 0 ? 0 : Math.Round(100.0 * part / whole, 2);

    private static string Percent(double value) => $"{value.ToString("0.##", CultureInfo.InvariantCulture)} %";

    internal sealed record SipData(SipStoreSummary Summary, SipStoreSummary? Previous, SipFailures Failures, Histogram<ArchiveSize> ArchiveHistory);
}
