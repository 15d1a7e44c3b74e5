using System.Globalization;
using System.Resources;

namespace Stats.Dashboard.Embeds;

/// <summary>The embeds' words in one language, from EmbedLabels.resx and its translations (EmbedLabels.fr.resx, ...).</summary>
public sealed class EmbedLabels(CultureInfo culture)
{
    private static readonly ResourceManager s_resources = new("Stats.Dashboard.Embeds.EmbedLabels", typeof(EmbedLabels).Assembly);

    public CultureInfo Culture => culture;

    public string Title(EmbedSubject subject) => Text($"Title.{subject}");

    public string Metric(EmbedMetric metric) => Text($"Metric.{EmbedQuery.NameOf(metric)}");

    public string BadgeLabel(EmbedMetric metric) => Text($"Badge.{EmbedQuery.NameOf(metric)}");

    public string NotPublic => Text("NotPublic");

    public string BadgeNotPublic => Text("BadgeNotPublic");

    public string Unavailable => Text("Unavailable");

    public string More => Text("More");

    public string Counter => Text("Counter");

    public string AllVersions(string value) => Format("AllVersions", value);

    /// <summary>The period in words with its dates; all time starts on the first day with usage (none: no date).</summary>
    public string Period(EmbedPeriod period, DateOnly? from, DateOnly to) => period switch
    {
        EmbedPeriod.Days30 => Format("Period.30d", Date(from!.Value), Date(to)),
        EmbedPeriod.Months12 => Format("Period.12m", Month(from!.Value), Month(to)),
        _ when from is { } first => Format("Period.all", Month(first)),
        _ => Text("Period.allEmpty"),
    };

    public string Sparkline(EmbedMetric metric, Stats.Core.Queries.Interval interval, DateOnly from, DateOnly to) =>
        Format("Sparkline", Metric(metric), Text($"Interval.{interval.ToString().ToLowerInvariant()}"),
            interval == Stats.Core.Queries.Interval.Day ? Date(from) : Month(from), interval == Stats.Core.Queries.Interval.Day ? Date(to) : Month(to));

    /// <summary>A count in full, written as the language writes numbers (1,234 or 1 234).</summary>
    public string Number(long value) => value.ToString("N0", culture);

    /// <summary>Bytes in decimal units (1 kB = 1000 B), as COUNTER's data volume counts.</summary>
    public string Bytes(long value)
    {
        string[] units = ["B", "kB", "MB", "GB", "TB", "PB"];
        double size = value;
        var unit = 0;
        while (size >= 1000 && unit < units.Length - 1)
        {
            size /= 1000;
            unit++;
        }

        return unit == 0 ? $"{value.ToString("N0", culture)} B" : $"{size.ToString("0.0", culture)} {units[unit]}";
    }

    /// <summary>A value as a headline shows it: counts in full, the data volume in bytes.</summary>
    public string Value(EmbedMetric metric, long value) => metric == EmbedMetric.Volume ? Bytes(value) : Number(value);

    /// <summary>A value as a badge shows it: 950, 1.2k, 12k, 3.4M (the volume in bytes).</summary>
    public string Compact(EmbedMetric metric, long value)
    {
        if (metric == EmbedMetric.Volume)
        {
            return Bytes(value);
        }

        string[] suffixes = ["", "k", "M", "G", "T"];
        double size = value;
        var step = 0;
        while (Math.Round(size) >= 1000 && step < suffixes.Length - 1)
        {
            size /= 1000;
            step++;
        }

        if (step == 0)
        {
            return value.ToString(CultureInfo.InvariantCulture);
        }

        // 1.2k but 12k: one decimal only where it tells something; 999.96k rounds up to 1.0M, not 1000k.
        var shown = size < 9.95 ? Math.Round(size, 1) : Math.Round(size);
        if (shown >= 1000 && step < suffixes.Length - 1)
        {
            shown = 1;
            step++;
        }

        return shown.ToString(shown < 10 ? "0.0" : "0", culture) + suffixes[step];
    }

    private string Date(DateOnly day) => day.ToString("d MMM yyyy", culture);

    private string Month(DateOnly day) => day.ToString("MMM yyyy", culture);

    private string Text(string key) => s_resources.GetString(key, culture) ?? throw new InvalidOperationException($"EmbedLabels.resx has no '{key}'.");

    private string Format(string key, params object[] values) => string.Format(culture, Text(key), values);
}
