using System.Globalization;
using Microsoft.AspNetCore.Components;
using Stats.Core.Queries;

namespace Stats.Dashboard.Components.Panels;

/// <summary>
/// Picks a panel's period (a preset or a custom range) and interval by navigating to the same page with a new query string
/// (<see cref="PanelPeriod.ToQuery"/>); the page reads it back and reloads. Native selects and date inputs: keyboard and
/// screen readers work as everywhere else.
/// </summary>
public sealed partial class PeriodPicker
{
    private readonly string _id = $"period-{Guid.NewGuid():N}";
    private bool _choosingCustom;
    private DateOnly? _customFrom;
    private DateOnly? _customTo;
    private PanelPeriod? _shown;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    /// <summary>The period the panel shows (from the URL).</summary>
    [Parameter, EditorRequired]
    public PanelPeriod Value { get; set; } = PanelPeriod.Default;

    /// <summary>Today (UTC), for the custom range's defaults and limits.</summary>
    [Parameter, EditorRequired]
    public DateOnly Today { get; set; }

    /// <summary>Whether the interval is offered: not on a panel without a time series, where it would change nothing.</summary>
    [Parameter]
    public bool ShowInterval { get; set; } = true;

    private PeriodPreset ShownPreset => _choosingCustom ? PeriodPreset.Custom : Value.Preset;

    private bool CustomRangeIsValid => _customFrom is { } from && _customTo is { } to && from <= to;

    protected override void OnParametersSet()
    {
        if (_shown != Value)
        {
            _shown = Value;
            _choosingCustom = false;
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
            _choosingCustom = true;
            return;
        }

        NavigateTo(PanelPeriod.Of(preset));
    }

    private void OnIntervalChanged(ChangeEventArgs e)
    {
        var interval = PanelPeriod.Intervals.FirstOrDefault(i => Histograms.Name(i) == e.Value as string, Value.Interval);
        NavigateTo(Value with { Interval = interval });
    }

    private void ApplyCustomRange()
    {
        if (_customFrom is { } from && _customTo is { } to && from <= to)
        {
            NavigateTo(PanelPeriod.Between(from, to));
        }
    }

    private void NavigateTo(PanelPeriod period) => Navigation.NavigateTo(Navigation.GetUriWithQueryParameters(period.ToQuery()));

    private static string? Iso(DateOnly? day) => day?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateOnly? ParseDay(object? value) =>
        DateOnly.TryParseExact(value as string, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;
}
