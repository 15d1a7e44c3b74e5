using System.Globalization;
using Stats.Core.Queries;

namespace Stats.Dashboard.Components.Panels;

/// <summary>The periods a panel offers; <see cref="Custom"/> is a range the viewer picks.</summary>
public enum PeriodPreset
{
    Last7Days,
    Last30Days,
    Last12Months,
    ThisYear,
    AllTime,
    Custom,

    /// <summary>From the first of this month to today.</summary>
    MonthToDate,

    /// <summary>The last whole calendar month.</summary>
    LastMonth,

    /// <summary>The last whole calendar year.</summary>
    PreviousYear,
}

/// <summary>The inclusive days a panel shows, resolved against today (UTC). An open start is "since the first day with data".</summary>
public readonly record struct DayRange(DateOnly? From, DateOnly To)
{
    /// <summary>The query period the Stats.Core services and <c>POST /api/stats</c> take.</summary>
    public Period ToPeriod() => new(From, To);

    /// <summary>Whether an aggregate rewrite of these days changes what is shown.</summary>
    public bool Contains(DateOnly day) => (From is null || day >= From) && day <= To;

    /// <summary>"1 Jan 2026 – 31 Mar 2026", or "up to 31 Mar 2026" when open.</summary>
    public string Describe() => From is { } from
        ? $"{PanelPeriod.FormatDay(from)} – {PanelPeriod.FormatDay(To)}"
        : $"up to {PanelPeriod.FormatDay(To)}";
}

/// <summary>
/// What a panel shows: a period (a preset or a custom range) and the interval of its time series. It round-trips through the
/// URL's query string (<c>?period=30d&amp;interval=day</c>, <c>?from=2025-01-01&amp;to=2025-03-31&amp;interval=week</c>), so
/// that every view can be bookmarked and shared; the previous period of the same length is the comparison.
/// </summary>
public sealed record PanelPeriod(PeriodPreset Preset, Interval Interval, DateOnly? CustomFrom = null, DateOnly? CustomTo = null)
{
    public const string PeriodKey = "period";
    public const string FromKey = "from";
    public const string ToKey = "to";
    public const string IntervalKey = "interval";

    /// <summary>The view of a panel opened without a query string.</summary>
    public static PanelPeriod Default { get; } = new(PeriodPreset.Last30Days, Interval.Day);

    private static readonly (PeriodPreset Preset, string Key, string Label)[] s_presets =
    [
        (PeriodPreset.Last7Days, "7d", "Last 7 days"),
        (PeriodPreset.Last30Days, "30d", "Last 30 days"),
        (PeriodPreset.MonthToDate, "mtd", "Month to date"),
        (PeriodPreset.LastMonth, "last-month", "Last month"),
        (PeriodPreset.Last12Months, "12m", "Last 12 months"),
        (PeriodPreset.ThisYear, "year", "This year"),
        (PeriodPreset.PreviousYear, "last-year", "Previous year"),
        (PeriodPreset.AllTime, "all", "All time"),
        (PeriodPreset.Custom, "custom", "Custom range"),
    ];

    /// <summary>The presets in the picker's order.</summary>
    public static IReadOnlyList<PeriodPreset> Presets { get; } = [.. s_presets.Select(p => p.Preset)];

    public static IReadOnlyList<Interval> Intervals { get; } = [Interval.Day, Interval.Week, Interval.Month, Interval.Quarter, Interval.Year];

    public static string LabelOf(PeriodPreset preset) => s_presets.First(p => p.Preset == preset).Label;

    public static string KeyOf(PeriodPreset preset) => s_presets.First(p => p.Preset == preset).Key;

    public static string LabelOf(Interval interval) => interval switch
    {
        Interval.Day => "Day",
        Interval.Week => "Week",
        Interval.Month => "Month",
        Interval.Quarter => "Quarter",
        _ => "Year",
    };

    /// <summary>A preset with its sensible interval.</summary>
    public static PanelPeriod Of(PeriodPreset preset) => new(preset, DefaultInterval(preset, null, null));

    /// <summary>A custom range with its sensible interval.</summary>
    public static PanelPeriod Between(DateOnly from, DateOnly to) =>
        new(PeriodPreset.Custom, DefaultInterval(PeriodPreset.Custom, from, to), from, to);

    /// <summary>Days for a week, weeks for up to a year... a chart of roughly 7 to 100 points.</summary>
    public static Interval DefaultInterval(PeriodPreset preset, DateOnly? from, DateOnly? to) => preset switch
    {
        PeriodPreset.Last7Days or PeriodPreset.Last30Days or PeriodPreset.MonthToDate or PeriodPreset.LastMonth => Interval.Day,
        PeriodPreset.Last12Months or PeriodPreset.ThisYear or PeriodPreset.PreviousYear or PeriodPreset.AllTime => Interval.Month,
        _ when from is { } f && to is { } t => (t.DayNumber - f.DayNumber + 1) switch
        {
            <= 92 => Interval.Day,
            <= 731 => Interval.Week,
            <= 3660 => Interval.Month,
            _ => Interval.Year,
        },
        _ => Interval.Day,
    };

    /// <summary>
    /// Reads the query string. Anything missing or malformed falls back (an unknown preset to the default, a custom range
    /// with a bad or reversed date to the default preset, an unknown interval to the period's default), so that an edited
    /// link still opens.
    /// </summary>
    public static PanelPeriod FromQuery(string? period, string? from, string? to, string? interval)
    {
        var fromDay = ParseDay(from);
        var toDay = ParseDay(to);
        PanelPeriod chosen;
        if (fromDay is { } f && toDay is { } t && f <= t && (period is null || period == KeyOf(PeriodPreset.Custom)))
        {
            chosen = Between(f, t);
        }
        else
        {
            var preset = s_presets.FirstOrDefault(p => p.Preset != PeriodPreset.Custom && string.Equals(p.Key, period, StringComparison.OrdinalIgnoreCase));
            chosen = preset.Key is null ? Default : Of(preset.Preset);
        }

        return ParseInterval(interval) is { } i ? chosen with { Interval = i } : chosen;
    }

    /// <summary>The query string values: null removes a key.</summary>
    public IReadOnlyDictionary<string, object?> ToQuery() => new Dictionary<string, object?>
    {
        [PeriodKey] = Preset == PeriodPreset.Custom ? null : KeyOf(Preset),
        [FromKey] = Preset == PeriodPreset.Custom ? CustomFrom?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : null,
        [ToKey] = Preset == PeriodPreset.Custom ? CustomTo?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : null,
        [IntervalKey] = Histograms.Name(Interval),
    };

    /// <summary>The query string, as it appears in links: <c>period=30d&amp;interval=day</c>.</summary>
    public string ToQueryString() => string.Join("&", ToQuery()
        .Where(p => p.Value is not null)
        .Select(p => $"{p.Key}={Uri.EscapeDataString((string)p.Value!)}"));

    /// <summary>The days shown, up to and including <paramref name="today"/>.</summary>
    public DayRange Resolve(DateOnly today) => Preset switch
    {
        PeriodPreset.Last7Days => new(today.AddDays(-6), today),
        PeriodPreset.Last30Days => new(today.AddDays(-29), today),
        PeriodPreset.Last12Months => new(today.AddMonths(-12).AddDays(1), today),
        PeriodPreset.ThisYear => new(new DateOnly(today.Year, 1, 1), today),
        PeriodPreset.MonthToDate => new(new DateOnly(today.Year, today.Month, 1), today),
        PeriodPreset.LastMonth => new(new DateOnly(today.Year, today.Month, 1).AddMonths(-1), new DateOnly(today.Year, today.Month, 1).AddDays(-1)),
        PeriodPreset.PreviousYear => new(new DateOnly(today.Year - 1, 1, 1), new DateOnly(today.Year - 1, 12, 31)),
        PeriodPreset.AllTime => new(null, today),
        _ => new(CustomFrom ?? today, CustomTo ?? today),
    };

    /// <summary>
    /// The period the headline numbers compare with: as many days just before (for "this year": the same days of last year);
    /// none for all time.
    /// </summary>
    public DayRange? Previous(DateOnly today)
    {
        var current = Resolve(today);
        if (current.From is not { } from)
        {
            return null;
        }

        // Calendar periods compare with the same calendar days before: a month with the month before, a year with the year before.
        switch (Preset)
        {
            case PeriodPreset.ThisYear or PeriodPreset.PreviousYear:
                return new(from.AddYears(-1), current.To.AddYears(-1));
            case PeriodPreset.MonthToDate:
                return new(from.AddMonths(-1), current.To.AddMonths(-1));
            case PeriodPreset.LastMonth:
                return new(from.AddMonths(-1), from.AddDays(-1));
        }

        var days = current.To.DayNumber - from.DayNumber + 1;
        return new(from.AddDays(-days), from.AddDays(-1));
    }

    /// <summary>What the picker and the panel's subtitle say.</summary>
    public string Describe(DateOnly today) => Preset == PeriodPreset.Custom
        ? Resolve(today).Describe()
        : $"{LabelOf(Preset)} ({Resolve(today).Describe()})";

    /// <summary>"1 Jan – 6 Dec 2025", the year written once when both days share it.</summary>
    public static string DescribeRange(DateOnly from, DateOnly to) => from.Year == to.Year
        ? $"{from.ToString("d MMM", CultureInfo.InvariantCulture)} – {FormatDay(to)}"
        : $"{FormatDay(from)} – {FormatDay(to)}";

    internal static string FormatDay(DateOnly day) => day.ToString("d MMM yyyy", CultureInfo.InvariantCulture);

    private static DateOnly? ParseDay(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;

    private static Interval? ParseInterval(string? text) =>
        Intervals.Cast<Interval?>().FirstOrDefault(i => string.Equals(Histograms.Name(i!.Value), text, StringComparison.OrdinalIgnoreCase));
}
