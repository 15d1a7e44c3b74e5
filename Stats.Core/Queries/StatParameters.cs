using System.Globalization;
using System.Text.Json;
using Stats.Core.Data;
using Stats.Core.Events;

namespace Stats.Core.Queries;

/// <summary>The dates a query covers, inclusive; an open end covers everything on that side.</summary>
public readonly record struct Period(DateOnly? Start, DateOnly? End)
{
    public static Period All => default;

    /// <summary>The first day, for range reads: the earliest date there is when open.</summary>
    public DateOnly From => Start ?? DateOnly.MinValue;

    /// <summary>The last day, for range reads: the latest date there is when open.</summary>
    public DateOnly To => End ?? DateOnly.MaxValue;
}

/// <summary>The ranking metric of top lists.</summary>
public enum UsageMetric
{
    Views,
    UniqueViews,
    Downloads,
    UniqueDownloads,

    /// <summary>The bytes downloaded (<c>data_volume</c>).</summary>
    DataVolume,
}

/// <summary>
/// The parameters of one stat query, as the caller sent them, with typed readers that throw
/// <see cref="StatQueryException"/> naming the parameter when a value is missing or malformed.
/// </summary>
public sealed class StatParameters
{
    public const string StartDate = "start_date";
    public const string EndDate = "end_date";
    public const string IntervalName = "interval";
    public const string AccessMethodName = "access_method";
    public const string SizeName = "size";
    public const string MetricName = "metric";

    private readonly IReadOnlyDictionary<string, string> _values;

    public StatParameters(IReadOnlyDictionary<string, string> values)
    {
        _values = values;
    }

    public static StatParameters Empty { get; } = new(new Dictionary<string, string>());

    /// <summary>The names the caller gave.</summary>
    public IEnumerable<string> Names => _values.Keys;

    /// <summary>Reads a JSON object of parameters; strings, numbers and booleans are accepted, as their text.</summary>
    public static StatParameters FromJson(JsonElement parameters)
    {
        if (parameters.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return Empty;
        }

        if (parameters.ValueKind != JsonValueKind.Object)
        {
            throw new StatQueryException("\"params\" must be a JSON object.");
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in parameters.EnumerateObject())
        {
            switch (property.Value.ValueKind)
            {
                case JsonValueKind.String:
                    values[property.Name] = Checked(property.Name, property.Value.GetString()!);
                    break;
                case JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False:
                    values[property.Name] = Checked(property.Name, property.Value.GetRawText());
                    break;
                case JsonValueKind.Null:
                    break;
                default:
                    throw new StatQueryException($"Parameter '{property.Name}' must be a string or a number.");
            }
        }

        return new StatParameters(values);
    }

    /// <summary>The value when it is an acceptable id or text for its parameter (<see cref="IdRules"/>); else the query is refused.</summary>
    public static string Checked(string name, string value) =>
        IdRules.Problem(name, value) is { } problem ? throw new StatQueryException($"Parameter '{name}' {problem}.") : value;

    public string? Optional(string name) =>
        _values.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    public string Required(string name) =>
        Optional(name) ?? throw new StatQueryException($"Parameter '{name}' is required.");

    /// <summary><c>start_date</c> and <c>end_date</c>, inclusive.</summary>
    public Period Period()
    {
        var period = new Period(Date(StartDate), Date(EndDate));
        if (period.Start > period.End)
        {
            throw new StatQueryException($"'{StartDate}' ({period.Start:yyyy-MM-dd}) is after '{EndDate}' ({period.End:yyyy-MM-dd}).");
        }

        return period;
    }

    /// <summary>A date as <c>yyyy-MM-dd</c>, or a full ISO 8601 date-time whose UTC date is taken (UTC when it has no offset).</summary>
    public DateOnly? Date(string name)
    {
        if (Optional(name) is not { } text)
        {
            return null;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        if (IsoTimestamp.Parse(text) is { } instant)
        {
            return DateOnly.FromDateTime(instant.UtcDateTime);
        }

        throw new StatQueryException($"Parameter '{name}' is not a date: '{text}' (expected yyyy-MM-dd or an ISO 8601 date-time).");
    }

    /// <summary><c>interval</c>: day (the default), week, month, quarter or year.</summary>
    public Interval Interval() => Choice(IntervalName, Queries.Interval.Day, s_intervals);

    /// <summary><c>access_method</c>: regular or machine; both when absent.</summary>
    public AccessMethod? AccessMethod() =>
        Optional(AccessMethodName) is null ? null : Choice(AccessMethodName, Data.AccessMethod.Regular, s_accessMethods);

    public UsageMetric Metric(UsageMetric fallback) => Choice(MetricName, fallback, s_metrics);

    /// <summary><c>size</c>: how many entries a list returns, 1 to <paramref name="max"/>.</summary>
    public int Size(int fallback = 10, int max = 100)
    {
        if (Optional(SizeName) is not { } text)
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size >= 1 && size <= max
            ? size
            : throw new StatQueryException($"Parameter '{SizeName}' must be a whole number from 1 to {max}, not '{text}'.");
    }

    private T Choice<T>(string name, T fallback, IReadOnlyDictionary<string, T> choices)
    {
        if (Optional(name) is not { } text)
        {
            return fallback;
        }

        return choices.TryGetValue(text, out var choice)
            ? choice
            : throw new StatQueryException($"Parameter '{name}' must be one of {string.Join(", ", choices.Keys)}, not '{text}'.");
    }

    private static readonly Dictionary<string, Interval> s_intervals = new(StringComparer.OrdinalIgnoreCase)
    {
        ["day"] = Queries.Interval.Day,
        ["week"] = Queries.Interval.Week,
        ["month"] = Queries.Interval.Month,
        ["quarter"] = Queries.Interval.Quarter,
        ["year"] = Queries.Interval.Year,
    };

    private static readonly Dictionary<string, AccessMethod> s_accessMethods = new(StringComparer.OrdinalIgnoreCase)
    {
        ["regular"] = Data.AccessMethod.Regular,
        ["machine"] = Data.AccessMethod.Machine,
    };

    private static readonly Dictionary<string, UsageMetric> s_metrics = new(StringComparer.OrdinalIgnoreCase)
    {
        ["views"] = UsageMetric.Views,
        ["unique_views"] = UsageMetric.UniqueViews,
        ["downloads"] = UsageMetric.Downloads,
        ["unique_downloads"] = UsageMetric.UniqueDownloads,
        ["data_volume"] = UsageMetric.DataVolume,
    };
}
