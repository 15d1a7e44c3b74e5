using System.Globalization;

namespace Stats.Dashboard.Embeds;

/// <summary>What an embed or badge shows: the records, communities or users it names in its path.</summary>
public enum EmbedSubject
{
    Record,
    Community,
    User,
}

public enum EmbedTheme
{
    Light,
    Dark,
    Auto,
}

/// <summary>The period an embed sums: the last 30 days (day by day), the last 12 months or all time (month by month).</summary>
public enum EmbedPeriod
{
    Days30,
    Months12,
    All,
}

/// <summary>The numbers an embed may show, by their names in the query string and the badge path.</summary>
public enum EmbedMetric
{
    Views,
    Downloads,
    UniqueViews,
    UniqueDownloads,
    Volume,
}

/// <summary>The options of an embed, badge or embed JSON, read from the query string; each has a default.</summary>
public sealed record EmbedQuery(EmbedTheme Theme, EmbedPeriod Period, IReadOnlyList<EmbedMetric> Metrics, CultureInfo Culture)
{
    public const string ThemeName = "theme";
    public const string PeriodName = "period";
    public const string MetricsName = "metrics";
    public const string LangName = "lang";

    /// <summary>The languages the labels are written in; any other asks for English.</summary>
    public static IReadOnlyList<string> Languages { get; } = ["en", "fr"];

    public static IReadOnlyList<EmbedMetric> DefaultMetrics { get; } = [EmbedMetric.Views, EmbedMetric.UniqueViews, EmbedMetric.Downloads, EmbedMetric.UniqueDownloads];

    private static readonly Dictionary<string, EmbedMetric> s_metrics = new(StringComparer.Ordinal)
    {
        ["views"] = EmbedMetric.Views,
        ["downloads"] = EmbedMetric.Downloads,
        ["unique_views"] = EmbedMetric.UniqueViews,
        ["unique_downloads"] = EmbedMetric.UniqueDownloads,
        ["volume"] = EmbedMetric.Volume,
    };

    private static readonly Dictionary<string, EmbedPeriod> s_periods = new(StringComparer.Ordinal)
    {
        ["30d"] = EmbedPeriod.Days30,
        ["12m"] = EmbedPeriod.Months12,
        ["all"] = EmbedPeriod.All,
    };

    private static readonly Dictionary<string, EmbedTheme> s_themes = new(StringComparer.Ordinal)
    {
        ["light"] = EmbedTheme.Light,
        ["dark"] = EmbedTheme.Dark,
        ["auto"] = EmbedTheme.Auto,
    };

    public static string NameOf(EmbedMetric metric) => s_metrics.First(m => m.Value == metric).Key;

    public static string NameOf(EmbedPeriod period) => s_periods.First(p => p.Value == period).Key;

    public static string NameOf(EmbedTheme theme) => s_themes.First(t => t.Value == theme).Key;

    public static bool TryParseMetric(string? name, out EmbedMetric metric) => s_metrics.TryGetValue(name ?? "", out metric);

    /// <summary>One string per distinct answer: what the answers are cached under.</summary>
    public string Key => $"{NameOf(Theme)}|{NameOf(Period)}|{string.Join(',', Metrics.Select(NameOf))}|{Culture.Name}";

    /// <summary>
    /// Reads the options, or says which one is wrong and what it may be. A language without labels falls back to English
    /// (a host page may pass its own language, whatever it is); a malformed one is an error.
    /// </summary>
    public static EmbedQuery? Parse(IQueryCollection query, EmbedPeriod defaultPeriod, out string? error)
    {
        error = null;
        var theme = EmbedTheme.Light;
        if (query[ThemeName].ToString() is { Length: > 0 } themeText && !s_themes.TryGetValue(themeText, out theme))
        {
            error = $"'{ThemeName}' is '{themeText}', but it must be one of: {string.Join(", ", s_themes.Keys)}.";
            return null;
        }

        var period = defaultPeriod;
        if (query[PeriodName].ToString() is { Length: > 0 } periodText && !s_periods.TryGetValue(periodText, out period))
        {
            error = $"'{PeriodName}' is '{periodText}', but it must be one of: {string.Join(", ", s_periods.Keys)}.";
            return null;
        }

        var metrics = DefaultMetrics;
        if (query[MetricsName].ToString() is { Length: > 0 } metricsText)
        {
            var names = metricsText.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            var unknown = names.FirstOrDefault(n => !s_metrics.ContainsKey(n));
            if (unknown is not null || names.Length == 0)
            {
                error = $"'{MetricsName}' has '{unknown ?? metricsText}', but it must be a comma list of: {string.Join(", ", s_metrics.Keys)}.";
                return null;
            }

            metrics = [.. names.Select(n => s_metrics[n]).Distinct()];
        }

        var culture = CultureInfo.GetCultureInfo("en");
        if (query[LangName].ToString() is { Length: > 0 } lang)
        {
            if (lang.Length > 35 || !lang.All(c => char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_'))
            {
                error = $"'{LangName}' is '{lang}', but it must be a language tag such as en or fr.";
                return null;
            }

            var language = lang.Split('-', '_')[0].ToLowerInvariant();
            culture = CultureInfo.GetCultureInfo(Languages.Contains(language) ? language : "en");
        }

        return new EmbedQuery(theme, period, metrics, culture);
    }

    /// <summary>The days the period covers, ending today, and the width of one point of its sparkline.</summary>
    public (DateOnly From, DateOnly To, Stats.Core.Queries.Interval Interval) Range(DateOnly today) => Period switch
    {
        EmbedPeriod.Days30 => (today.AddDays(-29), today, Stats.Core.Queries.Interval.Day),
        EmbedPeriod.Months12 => (new DateOnly(today.Year, today.Month, 1).AddMonths(-11), today, Stats.Core.Queries.Interval.Month),
        _ => (DateOnly.MinValue, today, Stats.Core.Queries.Interval.Month),
    };
}
