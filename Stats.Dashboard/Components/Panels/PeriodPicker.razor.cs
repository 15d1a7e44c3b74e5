using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Stats.Core.Queries;

namespace Stats.Dashboard.Components.Panels;

/// <summary>
/// Picks a panel's period (a preset or a custom range) and interval by navigating to the same page with a new query string
/// (<see cref="PanelPeriod.ToQuery"/>); the page reads it back and reloads. Native selects and date inputs: keyboard and
/// screen readers work as everywhere else. A closed native select changes its value on every arrow key, so a choice is applied
/// when the select loses focus, on Enter, or after <see cref="ApplyDelay"/> without another change: a keyboard user moving
/// through the options reloads the panel once, not once per option.
/// </summary>
public sealed partial class PeriodPicker : IDisposable
{
    /// <summary>How long a choice stays unapplied while the next arrow key may still change it.</summary>
    public static readonly TimeSpan ApplyDelay = TimeSpan.FromMilliseconds(600);

    private PanelPeriod? _pending;
    private ITimer? _applyTimer;

    private readonly string _id = $"period-{Guid.NewGuid():N}";
    private bool _choosingCustom;
    private DateOnly? _customFrom;
    private DateOnly? _customTo;
    private PanelPeriod? _shown;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private TimeProvider Clock { get; set; } = default!;

    /// <summary>The period the panel shows (from the URL).</summary>
    [Parameter, EditorRequired]
    public PanelPeriod Value { get; set; } = PanelPeriod.Default;

    /// <summary>Today (UTC), for the custom range's defaults and limits.</summary>
    [Parameter, EditorRequired]
    public DateOnly Today { get; set; }

    /// <summary>Whether the interval is offered: not on a panel without a time series, where it would change nothing.</summary>
    [Parameter]
    public bool ShowInterval { get; set; } = true;

    private PeriodPreset ShownPreset => _choosingCustom ? PeriodPreset.Custom : (_pending ?? Value).Preset;

    private Interval ShownInterval => (_pending ?? Value).Interval;

    private bool CustomRangeIsValid => _customFrom is { } from && _customTo is { } to && from <= to;

    protected override void OnParametersSet()
    {
        if (_shown != Value)
        {
            _shown = Value;
            _choosingCustom = false;
            CancelPending();
            var range = Value.Resolve(Today);
            _customFrom = range.From ?? Today.AddDays(-29);
            _customTo = range.To;
        }
    }

    private void OnPresetChanged(ChangeEventArgs e)
    {
        var key = e.Value as string;
        var preset = PanelPeriod.Presets.FirstOrDefault(p => PanelPeriod.KeyOf(p) == key, PanelPeriod.Default.Preset);
        if (preset == PeriodPreset.Custom)
        {
            // The dates come first; the URL changes when they are applied.
            CancelPending();
            _choosingCustom = true;
            return;
        }

        _choosingCustom = false;
        Schedule(PanelPeriod.Of(preset));
    }

    private void OnIntervalChanged(ChangeEventArgs e)
    {
        var shown = _pending ?? Value;
        var interval = PanelPeriod.Intervals.FirstOrDefault(i => Histograms.Name(i) == e.Value as string, shown.Interval);
        Schedule(shown with { Interval = interval });
    }

    private void OnKeyDown(KeyboardEventArgs e)
    {
        if (e.Key == "Enter")
        {
            ApplyPending();
        }
    }

    /// <summary>Keeps the choice until it settles: each change restarts the pause.</summary>
    private void Schedule(PanelPeriod period)
    {
        _pending = period;
        _applyTimer?.Dispose();
        _applyTimer = Clock.CreateTimer(_ => _ = InvokeAsync(ApplyPending), null, ApplyDelay, Timeout.InfiniteTimeSpan);
    }

    private void ApplyPending()
    {
        if (_pending is not { } period)
        {
            return;
        }

        CancelPending();
        if (period != Value)
        {
            NavigateTo(period);
        }
    }

    private void CancelPending()
    {
        _pending = null;
        _applyTimer?.Dispose();
        _applyTimer = null;
    }

    private void ApplyCustomRange()
    {
        if (_customFrom is { } from && _customTo is { } to && from <= to)
        {
            NavigateTo(PanelPeriod.Between(from, to));
        }
    }

    private void NavigateTo(PanelPeriod period) => Navigation.NavigateTo(Navigation.GetUriWithQueryParameters(period.ToQuery()));

    public void Dispose() => _applyTimer?.Dispose();

    private static string? Iso(DateOnly? day) => day?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateOnly? ParseDay(object? value) =>
        DateOnly.TryParseExact(value as string, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;
}
