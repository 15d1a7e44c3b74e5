using Microsoft.AspNetCore.Components;
using Stats.Core.Access;
using Stats.Core.Aggregation;
using Stats.Core.Queries;
using Stats.Dashboard.Access;

namespace Stats.Dashboard.Components.Panels;

/// <summary>
/// What every panel does the same way: reads its period from the URL's query string (<see cref="PanelPeriod"/>), loads when
/// the period or <see cref="LoadKey"/> (the record, the user) changes, reloads by itself when the aggregator rewrites a day of
/// the shown or the compared period, and stops listening when it goes away. A panel implements <see cref="LoadAsync"/>
/// (which throws on failure) and renders <see cref="Error"/>, <see cref="IsLoading"/> and its own data. What sits behind an
/// access gate it loads with <see cref="LoadSectionsAsync"/>: only the sections the viewer may see, all at once, and again
/// when an admin changes an access rule.
/// </summary>
public abstract class PanelBase : ComponentBase, IDisposable
{
    private CancellationTokenSource? _loading;
    private IDisposable? _changes;
    private IDisposable? _rulesChanged;
    private object? _loadedKey;
    private int _generation;
    private bool _disposed;

    [Inject]
    protected NavigationManager Navigation { get; set; } = default!;

    [Inject]
    protected TimeProvider Clock { get; set; } = default!;

    [Inject]
    private AggregateChangeNotifier Changes { get; set; } = default!;

    [Inject]
    private ILoggerFactory LoggerFactory { get; set; } = default!;

    [Inject]
    protected ViewerAccess Access { get; set; } = default!;

    [SupplyParameterFromQuery(Name = PanelPeriod.PeriodKey)]
    public string? PeriodQuery { get; set; }

    [SupplyParameterFromQuery(Name = PanelPeriod.FromKey)]
    public string? FromQuery { get; set; }

    [SupplyParameterFromQuery(Name = PanelPeriod.ToKey)]
    public string? ToQuery { get; set; }

    [SupplyParameterFromQuery(Name = PanelPeriod.IntervalKey)]
    public string? IntervalQuery { get; set; }

    /// <summary>The period and interval from the URL.</summary>
    protected PanelPeriod Period { get; private set; } = PanelPeriod.Default;

    /// <summary>Today (UTC) when the panel last loaded.</summary>
    protected DateOnly Today { get; private set; }

    /// <summary>The days shown.</summary>
    protected DayRange Range => Period.Resolve(Today);

    /// <summary>A download's name that says what it holds and the days it covers: <c>hep-top-records-2025-12-07_2026-12-06.csv</c>.</summary>
    protected string FileNameOf(string what, string extension = "csv") =>
        $"{Path.GetFileNameWithoutExtension(Csv.FileName(what))}-{Range.From?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "start"}_" +
        $"{Range.To.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)}.{extension}";

    /// <summary>
    /// A record table's columns: <paramref name="leading"/> (the record), the four counts and the data volume, and, when the
    /// period has a previous one, the change of <paramref name="metric"/> against it (ranked over the whole set when clicked).
    /// </summary>
    protected IReadOnlyList<StatColumn<RankedRecordRow>> RecordColumns(IReadOnlyList<StatColumn<RankedRecordRow>> leading, UsageMetric metric) =>
    [
        .. leading,
        .. RecordRankings.CountColumns(),
        .. PreviousRange is { From: { } from } previous ? RecordRankings.ChangeColumns(metric, PanelPeriod.DescribeRange(from, previous.To)) : [],
    ];

    /// <summary>
    /// A record table's rows (<see cref="RecordRankings.LoadAsync"/>), the titles of the records the viewer may not open left
    /// out: those rows show the recid alone.
    /// </summary>
    protected async Task<IReadOnlyList<RankedRecordRow>> LoadRecordRankingAsync(
        IUsageStats usage, RecordSet records, RecordOrder order, Period period, Period? previous, int size, CancellationToken cancellationToken)
    {
        var rows = await RecordRankings.LoadAsync(usage, records, order, period, previous, size, cancellationToken);
        return await Access.WithoutHiddenTitlesAsync(rows, r => r.Recid, r => r with { Title = null }, cancellationToken);
    }

    /// <summary>Ranks the panel's record table by a count or a change (<see cref="RecordRankings.RankKey"/> in the URL).</summary>
    protected void RankBy(string key) =>
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameter(RecordRankings.RankKey, RecordRankings.QueryValueOf(key)));

    /// <summary>The days the headline numbers compare with; null for all time.</summary>
    protected DayRange? PreviousRange => Period.Previous(Today);

    /// <summary>A load is running (the first one, or a reload while the previous numbers stay on screen).</summary>
    protected bool IsLoading { get; private set; }

    /// <summary>Why the last load failed; null after a successful one.</summary>
    protected string? Error { get; private set; }

    /// <summary>Whatever else decides what is loaded, besides the period: the record's id, the user's id.</summary>
    protected virtual object? LoadKey => null;

    /// <summary>Loads the panel's numbers for <see cref="Range"/> and <see cref="PreviousRange"/>; throws on failure.</summary>
    protected abstract Task LoadAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Loads, concurrently, the sections whose access gate is open to the viewer, and leaves the others alone: their gate
    /// says why they are hidden, and nothing is read for them. Each section asks only what it shows, in as few queries as it
    /// can (never one per table row); a section that fails fails the load.
    /// </summary>
    protected async Task LoadSectionsAsync(IEnumerable<PanelSection> sections, CancellationToken cancellationToken) =>
        await Task.WhenAll(sections.Select(async section =>
        {
            if (await Access.DecideAsync(section.Family, section.Target, cancellationToken) == AccessDecision.Allowed)
            {
                await section.LoadAsync(cancellationToken);
            }
        }));

    protected override async Task OnParametersSetAsync()
    {
        Period = PanelPeriod.FromQuery(PeriodQuery, FromQuery, ToQuery, IntervalQuery);
        Today = DateOnly.FromDateTime(Clock.GetUtcNow().UtcDateTime);
        var key = (Period, Today, LoadKey);
        if (!Equals(key, _loadedKey))
        {
            _loadedKey = key;
            await ReloadAsync();
        }
    }

    protected override void OnAfterRender(bool firstRender)
    {
        // Only once interactive: a prerendered page has no circuit to push a reload to.
        if (firstRender && !_disposed)
        {
            _changes = Changes.Subscribe(OnAggregatesChanged);

            // A rule that opens a gate shows its section: load it (a closed one is simply no longer shown).
            _rulesChanged = Access.OnRulesChanged(() => _ = InvokeAsync(async () =>
            {
                await ReloadAsync();
                StateHasChanged();
            }));
        }
    }

    /// <summary>Loads again (a retry button, a live update); a load still running is cancelled.</summary>
    protected async Task ReloadAsync()
    {
        if (_disposed)
        {
            return;
        }

        if (_loading is { } previous)
        {
            await previous.CancelAsync();
        }

        var loading = _loading = new CancellationTokenSource();
        var generation = ++_generation;
        IsLoading = true;
        try
        {
            await LoadAsync(loading.Token);
            if (generation == _generation)
            {
                Error = null;
            }
        }
        catch (OperationCanceledException) when (loading.IsCancellationRequested)
        {
            // A newer load, or the panel closing, took over.
        }
        catch (Exception ex) when (generation == _generation)
        {
            // Whatever the store throws, the panel stays up, says so and offers a retry.
            LoggerFactory.CreateLogger(GetType()).LogError(ex, "Panel {Panel} could not load.", GetType().Name);
            Error = $"{ex.GetType().Name}: {ex.Message}";
        }
        finally
        {
            if (generation == _generation)
            {
                IsLoading = false;
            }
        }
    }

    /// <summary>Called on the aggregator's thread: a rewrite of a shown or compared day reloads on the renderer's.</summary>
    private void OnAggregatesChanged(AggregatesChanged change)
    {
        var range = Range;
        var touched = change.Touches(range.From ?? DateOnly.MinValue, range.To) ||
            (PreviousRange is { } previous && change.Touches(previous.From ?? DateOnly.MinValue, previous.To));
        if (_disposed || !touched)
        {
            return;
        }

        _ = InvokeAsync(async () =>
        {
            await ReloadAsync();
            StateHasChanged();
        });
    }

    protected virtual void Dispose(bool disposing)
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (disposing)
        {
            _changes?.Dispose();
            _rulesChanged?.Dispose();
            _loading?.Cancel();
            _loading?.Dispose();
        }
    }

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }
}

/// <summary>A part of a panel behind an access gate: the family and target its gate decides on, and how it loads.</summary>
public sealed record PanelSection(StatFamily Family, StatTarget Target, Func<CancellationToken, Task> LoadAsync);
