using System.Globalization;
using Microsoft.AspNetCore.Components;
using Stats.Core.Aggregation;
using Stats.Core.Annotations;
using Stats.Core.Queries;
using Stats.Dashboard.Components.Charts;

namespace Stats.Dashboard.Components.Pages.Overview;

/// <summary>
/// The home page: totals of the store and the counts per type per day of the last <see cref="WindowDays"/> days.
/// It reloads as soon as the aggregator rewrites a day of its window, every <see cref="RefreshInterval"/> while it is
/// open (today turns into tomorrow), and on demand.
/// </summary>
public sealed partial class Overview : IDisposable
{
    public const int WindowDays = 30;

    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(30);

    private static readonly StatTarget s_repository = new(StatSubject.Repository, null);

    private readonly CancellationTokenSource _stopping = new();
    private PeriodicTimer? _timer;
    private IDisposable? _changes;
    private OverviewSummary? _summary;
    private DailyTypeSeries? _chart;
    private IReadOnlyList<ChartAnnotation>? _notes;
    private ChartType _chartType = ChartType.Area;
    private DateTimeOffset? _updatedAt;
    private string? _error;
    private bool _loading;
    private bool _disposed;

    [Inject]
    private IOverviewQueries Queries { get; set; } = default!;

    [Inject]
    private TimeProvider Clock { get; set; } = default!;

    [Inject]
    private IAnnotations Notes { get; set; } = default!;

    [Inject]
    private AggregateChangeNotifier Changes { get; set; } = default!;

    [Inject]
    private ILogger<Overview> Logger { get; set; } = default!;

    [CascadingParameter]
    private ThemeMode ThemeMode { get; set; }

    /// <summary>
    /// The summary the prerendered page showed, handed over to the interactive page so that one visit runs the
    /// query once, not twice.
    /// </summary>
    [PersistentState]
    public OverviewSummary? PrerenderedSummary { get; set; }

    /// <summary>Nothing aggregated yet, in the window or before: the first run, which <see cref="FirstRun"/> guides.</summary>
    private bool StoreIsEmpty => _summary is { TotalEvents: 0, Counts.Count: 0 };

    private long EventsInWindow => _summary?.Counts.Sum(c => (long)c.Count) ?? 0;

    protected override Task OnInitializedAsync()
    {
        if (PrerenderedSummary is { } handedOver)
        {
            Show(handedOver);
            return LoadNotesAsync(handedOver);
        }

        return LoadAsync();
    }

    protected override void OnAfterRender(bool firstRender)
    {
        // Only once interactive (no timer during prerendering): the task ends when the page is disposed.
        if (firstRender)
        {
            _changes = Changes.Subscribe(OnAggregatesChanged);
            _ = RefreshPeriodicallyAsync();
        }
    }

    private Task RefreshAsync() => LoadAsync();

    private async Task RefreshPeriodicallyAsync()
    {
        var stopping = _stopping.Token;
        _timer = new PeriodicTimer(RefreshInterval, Clock);
        try
        {
            while (await _timer.WaitForNextTickAsync(stopping))
            {
                await InvokeAsync(async () =>
                {
                    await LoadAsync();
                    StateHasChanged();
                });
            }
        }
        catch (OperationCanceledException)
        {
            // The page was closed.
        }
    }

    /// <summary>Called on the aggregator's thread: hands the reload to the page's renderer.</summary>
    private void OnAggregatesChanged(AggregatesChanged change)
    {
        if (_disposed || (_summary is { } shown && !change.Touches(shown.From, shown.To)))
        {
            return;
        }

        _ = InvokeAsync(async () =>
        {
            await LoadAsync();
            StateHasChanged();
        });
    }

    private async Task LoadAsync()
    {
        if (_loading || _disposed)
        {
            return;
        }

        _loading = true;
        try
        {
            var summary = await Queries.GetSummaryAsync(WindowDays, _stopping.Token);
            Show(summary);
            _error = null;
            await LoadNotesAsync(summary);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // The page was closed while loading.
        }
        catch (Exception ex)
        {
            // Whatever the store throws, the page stays up and says so; the timer tries again.
            Logger.LogError(ex, "The overview could not be loaded.");
            _error = $"{ex.GetType().Name}: {ex.Message}";
        }
        finally
        {
            _loading = false;
        }
    }

    private void Show(OverviewSummary summary)
    {
        _summary = PrerenderedSummary = summary;
        _chart = DailyTypeSeries.From(summary);
        _updatedAt = Clock.GetUtcNow();
    }

    /// <summary>The repository's notes in the window, drawn on the chart.</summary>
    private async Task LoadNotesAsync(OverviewSummary summary)
    {
        try
        {
            var notes = await Notes.ForChartAsync(s_repository, summary.From, summary.To, _stopping.Token);
            _notes = [.. notes.Select(n => new ChartAnnotation(n.From, n.To, n.Text))];
        }
        catch (Exception ex) when (!_stopping.IsCancellationRequested)
        {
            // The notes are an addition: without them the chart still shows its numbers.
            Logger.LogWarning(ex, "The notes of the overview could not be read.");
        }
    }

    private static string FormatCount(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string FormatDay(DateOnly day) => day.ToString("d MMM yyyy", CultureInfo.InvariantCulture);

    public void Dispose()
    {
        _disposed = true;
        _changes?.Dispose();
        _stopping.Cancel();
        _timer?.Dispose();
        _stopping.Dispose();
    }
}
