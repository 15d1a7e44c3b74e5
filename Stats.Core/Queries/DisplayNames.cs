using System.Globalization;
using System.Resources;
using Stats.Core.Data;
using Stats.Core.Events;

namespace Stats.Core.Queries;

/// <summary>The metrics the dashboard shows and the API names (<c>views</c>, <c>data_volume</c>...).</summary>
public enum Metric
{
    Views,
    UniqueViews,
    Downloads,
    UniqueDownloads,
    DataVolume,
    NewRecords,
}

/// <summary>
/// The one table of names people read, for event types, metrics and access rights: what charts, tables, CSV headers and the
/// API's descriptions write instead of <c>record-view</c>, <c>unique_views</c> or <c>embargoed</c>. English event-type names
/// are those of the types' descriptions (<see cref="EventCatalog"/>); the other words, and every translation, are in
/// DisplayNames.resx and its translations (DisplayNames.fr.resx, ...), as the embeds keep theirs. A name the table lacks
/// reads as its key, never as nothing.
/// </summary>
public static class DisplayNames
{
    private static readonly ResourceManager s_resources = new("Stats.Core.Queries.DisplayNames", typeof(DisplayNames).Assembly);

    private static readonly (Metric Metric, string Key)[] s_metricKeys =
    [
        (Metric.Views, "views"), (Metric.UniqueViews, "unique_views"), (Metric.Downloads, "downloads"),
        (Metric.UniqueDownloads, "unique_downloads"), (Metric.DataVolume, "data_volume"), (Metric.NewRecords, "new_records"),
    ];

    /// <summary>The metrics in the order the Overview's cards show them.</summary>
    public static IReadOnlyList<Metric> Metrics { get; } = [.. s_metricKeys.Select(m => m.Metric)];

    /// <summary>The API's (and the URL's) name of a metric: <c>unique_views</c>.</summary>
    public static string KeyOf(Metric metric) => s_metricKeys.First(m => m.Metric == metric).Key;

    /// <summary>The metric an API or URL name stands for, case ignored; null for an unknown name.</summary>
    public static Metric? ParseMetric(string? key)
    {
        foreach (var (metric, name) in s_metricKeys)
        {
            if (string.Equals(name, key, StringComparison.OrdinalIgnoreCase))
            {
                return metric;
            }
        }

        return null;
    }

    /// <summary>"Unique views".</summary>
    public static string Of(Metric metric, CultureInfo? culture = null) => Text($"Metric.{KeyOf(metric)}", culture) ?? KeyOf(metric);

    /// <summary>The ranking metrics of the top lists, by the same names.</summary>
    public static string Of(UsageMetric metric, CultureInfo? culture = null) => Of(metric switch
    {
        UsageMetric.Views => Metric.Views,
        UsageMetric.UniqueViews => Metric.UniqueViews,
        UsageMetric.Downloads => Metric.Downloads,
        UsageMetric.UniqueDownloads => Metric.UniqueDownloads,
        _ => Metric.DataVolume,
    }, culture);

    /// <summary>"Record views" for <c>record-view</c>; a type added by configuration reads as its name.</summary>
    public static string EventType(string type, CultureInfo? culture = null) =>
        Text($"EventType.{type}", culture) ?? EventCatalog.Find(type)?.DisplayName ?? type;

    /// <summary>"Embargoed" for <c>embargoed</c> (the API's and the events' word); an unknown word reads as itself.</summary>
    public static string AccessRight(string accessRight, CultureInfo? culture = null) =>
        Text($"AccessRight.{accessRight.ToLowerInvariant()}", culture) ?? accessRight;

    /// <summary>The name of a record's access right.</summary>
    public static string Of(AccessRight accessRight, CultureInfo? culture = null) => AccessRight(accessRight.ToString(), culture);

    // The neutral resources hold no event types: English names are the descriptions', not a copy of them.
    private static string? Text(string key, CultureInfo? culture) => s_resources.GetString(key, culture ?? CultureInfo.InvariantCulture);
}
