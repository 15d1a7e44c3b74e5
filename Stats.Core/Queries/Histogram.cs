using System.Text.Json;
using System.Text.Json.Serialization;

namespace Stats.Core.Queries;

/// <summary>The period a histogram bucket covers. Weeks are ISO weeks, starting on Monday.</summary>
public enum Interval
{
    Day,
    Week,
    Month,
    Year,
}

/// <summary>Counts that add up: what a histogram bucket holds.</summary>
public interface IMetrics<TSelf>
    where TSelf : IMetrics<TSelf>
{
    static abstract TSelf Zero { get; }

    static abstract TSelf Add(TSelf left, TSelf right);
}

/// <summary>One period of a histogram, keyed by the first day of the period; serialized flat: <c>{"date": ..., "views": ...}</c>.</summary>
[JsonConverter(typeof(HistogramBucketConverterFactory))]
public sealed record HistogramBucket<T>(DateOnly Date, T Values);

/// <summary>What the query API needs of any histogram, whatever its values: how many buckets it has.</summary>
public interface IHistogram
{
    int BucketCount { get; }
}

/// <summary>A histogram: every period of the range in order, empty ones as zeros.</summary>
public sealed record Histogram<T>(string Interval, IReadOnlyList<HistogramBucket<T>> Buckets) : IHistogram
{
    [JsonIgnore]
    public int BucketCount => Buckets.Count;
}

/// <summary>Buckets daily values into periods in memory: the database groups per day, this adds the days up.</summary>
public static class Histograms
{
    /// <summary>More buckets than this is a range nobody can read on a chart, and a cheap way to exhaust memory.</summary>
    public const int MaxBuckets = 10_000;

    /// <summary>The first day of the period that contains <paramref name="day"/>.</summary>
    public static DateOnly PeriodStart(DateOnly day, Interval interval) => interval switch
    {
        Interval.Day => day,
        Interval.Week => day.AddDays(-(((int)day.DayOfWeek + 6) % 7)),
        Interval.Month => new DateOnly(day.Year, day.Month, 1),
        Interval.Year => new DateOnly(day.Year, 1, 1),
        _ => throw new ArgumentOutOfRangeException(nameof(interval), interval, null),
    };

    /// <summary>The first day of the next period.</summary>
    public static DateOnly NextPeriod(DateOnly periodStart, Interval interval) => interval switch
    {
        Interval.Day => periodStart.AddDays(1),
        Interval.Week => periodStart.AddDays(7),
        Interval.Month => periodStart.AddMonths(1),
        Interval.Year => periodStart.AddYears(1),
        _ => throw new ArgumentOutOfRangeException(nameof(interval), interval, null),
    };

    /// <summary>
    /// One bucket per period from the one containing <paramref name="from"/> to the one containing <paramref name="to"/>;
    /// days outside the range are ignored, so a period the range cuts holds only its days inside the range.
    /// </summary>
    public static Histogram<T> Build<T>(IEnumerable<(DateOnly Day, T Values)> days, DateOnly from, DateOnly to, Interval interval)
        where T : IMetrics<T>
    {
        if (from > to)
        {
            return new Histogram<T>(Name(interval), []);
        }

        var sums = new Dictionary<DateOnly, T>();
        foreach (var (day, values) in days)
        {
            if (day < from || day > to)
            {
                continue;
            }

            var key = PeriodStart(day, interval);
            sums[key] = sums.TryGetValue(key, out var sum) ? T.Add(sum, values) : values;
        }

        var buckets = new List<HistogramBucket<T>>();
        // The calendar's last period has no next one: the loop stops on it rather than step past 9999-12-31.
        var last = PeriodStart(DateOnly.MaxValue, interval);
        for (var period = PeriodStart(from, interval); period <= to; period = NextPeriod(period, interval))
        {
            if (buckets.Count == MaxBuckets)
            {
                throw new StatQueryException($"The range from {from:yyyy-MM-dd} to {to:yyyy-MM-dd} has more than {MaxBuckets:N0} {Name(interval)} buckets: choose a shorter range or a longer interval.");
            }

            buckets.Add(new HistogramBucket<T>(period, sums.TryGetValue(period, out var sum) ? sum : T.Zero));
            if (period == last)
            {
                break;
            }
        }

        return new Histogram<T>(Name(interval), buckets);
    }

    public static string Name(Interval interval) => interval.ToString().ToLowerInvariant();
}

/// <summary>Writes a <see cref="HistogramBucket{T}"/> as one flat object: the date, then the properties of its values.</summary>
internal sealed class HistogramBucketConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) =>
        typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() == typeof(HistogramBucket<>);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(BucketConverter<>).MakeGenericType(typeToConvert.GetGenericArguments()[0]))!;

    private sealed class BucketConverter<T> : JsonConverter<HistogramBucket<T>>
    {
        public override HistogramBucket<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            using var document = JsonDocument.ParseValue(ref reader);
            var dateName = options.PropertyNamingPolicy?.ConvertName(nameof(HistogramBucket<T>.Date)) ?? nameof(HistogramBucket<T>.Date);
            var date = document.RootElement.GetProperty(dateName).Deserialize<DateOnly>(options);
            return new HistogramBucket<T>(date, document.RootElement.Deserialize<T>(options)!);
        }

        public override void Write(Utf8JsonWriter writer, HistogramBucket<T> value, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            writer.WritePropertyName(options.PropertyNamingPolicy?.ConvertName(nameof(value.Date)) ?? nameof(value.Date));
            JsonSerializer.Serialize(writer, value.Date, options);
            foreach (var property in JsonSerializer.SerializeToElement(value.Values, options).EnumerateObject())
            {
                property.WriteTo(writer);
            }

            writer.WriteEndObject();
        }
    }
}
