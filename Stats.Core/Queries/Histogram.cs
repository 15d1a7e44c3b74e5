using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Stats.Core.Queries;

/// <summary>The period a histogram bucket covers. Weeks are ISO weeks, starting on Monday; quarters start in January, April, July and October.</summary>
public enum Interval
{
    Day,
    Week,
    Month,
    Quarter,
    Year,
}

/// <summary>Counts that add up: what a histogram bucket holds.</summary>
public interface IMetrics<TSelf>
    where TSelf : IMetrics<TSelf>
{
    static abstract TSelf Zero { get; }

    static abstract TSelf Add(TSelf left, TSelf right);
}

/// <summary>
/// One period of a histogram, keyed by the first day of the period; serialized flat, as invenio-stats writes its buckets:
/// <c>{"key": epoch milliseconds, "date": "2024-06-10T00:00:00", "views": ...}</c>.
/// </summary>
[JsonConverter(typeof(HistogramBucketConverterFactory))]
public sealed record HistogramBucket<T>(DateOnly Date, T Values);

/// <summary>What the query API needs of any histogram, whatever its values: how many buckets it has, and the period asked.</summary>
public interface IHistogram
{
    int BucketCount { get; }

    /// <summary>The same histogram, answering the period the caller asked for in <c>start_date</c> and <c>end_date</c>.</summary>
    IHistogram Answering(Period asked);
}

/// <summary>
/// A histogram: every period of the range in order, empty ones as zeros. Its JSON is invenio-stats' date histogram:
/// <c>{"interval", "key_type": "date", "start_date", "end_date", "buckets"}</c>, the dates being those the caller asked for
/// (null when open), as ISO date-times.
/// </summary>
public sealed record Histogram<T>(string Interval, [property: JsonPropertyOrder(4)] IReadOnlyList<HistogramBucket<T>> Buckets) : IHistogram
{
    /// <summary>invenio-stats' marker of a date histogram, whose bucket keys are instants.</summary>
    [JsonPropertyOrder(1)]
    public string KeyType => "date";

    /// <summary>The period the caller asked for; open (both ends null) until <see cref="Answering"/> sets it.</summary>
    [JsonIgnore]
    public Period Asked { get; init; }

    [JsonPropertyOrder(2)]
    [JsonConverter(typeof(IsoDayConverter))]
    public DateOnly? StartDate => Asked.Start;

    [JsonPropertyOrder(3)]
    [JsonConverter(typeof(IsoDayConverter))]
    public DateOnly? EndDate => Asked.End;

    [JsonIgnore]
    public int BucketCount => Buckets.Count;

    public IHistogram Answering(Period asked) => this with { Asked = asked };
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
        Interval.Quarter => new DateOnly(day.Year, (day.Month - 1) / 3 * 3 + 1, 1),
        Interval.Year => new DateOnly(day.Year, 1, 1),
        _ => throw new ArgumentOutOfRangeException(nameof(interval), interval, null),
    };

    /// <summary>The first day of the next period.</summary>
    public static DateOnly NextPeriod(DateOnly periodStart, Interval interval) => interval switch
    {
        Interval.Day => periodStart.AddDays(1),
        Interval.Week => periodStart.AddDays(7),
        Interval.Month => periodStart.AddMonths(1),
        Interval.Quarter => periodStart.AddMonths(3),
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

/// <summary>
/// A day as invenio-stats writes dates in its answers: an ISO date-time at midnight UTC without offset
/// (<c>2024-06-10T00:00:00</c>). Reads that form and the plain day.
/// </summary>
public sealed class IsoDayConverter : JsonConverter<DateOnly?>
{
    public const string Format = "yyyy-MM-dd'T00:00:00'";

    public override bool HandleNull => true;

    public static string Write(DateOnly day) => day.ToString(Format, CultureInfo.InvariantCulture);

    /// <summary>The day of <c>2024-06-10T00:00:00</c> or <c>2024-06-10</c>.</summary>
    public static DateOnly Parse(string text) =>
        DateOnly.ParseExact(text.Length > 10 && text[10] == 'T' ? text[..10] : text, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The bucket key of a day: milliseconds since the epoch at its midnight UTC, as Elasticsearch keys dates.</summary>
    public static long EpochMilliseconds(DateOnly day) =>
        new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds();

    public override DateOnly? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? null : Parse(reader.GetString()!);

    public override void Write(Utf8JsonWriter writer, DateOnly? value, JsonSerializerOptions options)
    {
        if (value is { } day)
        {
            writer.WriteStringValue(Write(day));
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}

/// <summary>Writes a <see cref="HistogramBucket{T}"/> as one flat object: the key and date, then the properties of its values.</summary>
internal sealed class HistogramBucketConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) =>
        typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() == typeof(HistogramBucket<>);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(BucketConverter<>).MakeGenericType(typeToConvert.GetGenericArguments()[0]))!;

    private sealed class BucketConverter<T> : JsonConverter<HistogramBucket<T>>
    {
        private const string KeyName = "Key";

        public override HistogramBucket<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            using var document = JsonDocument.ParseValue(ref reader);
            var dateName = options.PropertyNamingPolicy?.ConvertName(nameof(HistogramBucket<T>.Date)) ?? nameof(HistogramBucket<T>.Date);
            var date = IsoDayConverter.Parse(document.RootElement.GetProperty(dateName).GetString()!);
            return new HistogramBucket<T>(date, document.RootElement.Deserialize<T>(options)!);
        }

        public override void Write(Utf8JsonWriter writer, HistogramBucket<T> value, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            writer.WriteNumber(options.PropertyNamingPolicy?.ConvertName(KeyName) ?? KeyName, IsoDayConverter.EpochMilliseconds(value.Date));
            writer.WriteString(options.PropertyNamingPolicy?.ConvertName(nameof(value.Date)) ?? nameof(value.Date), IsoDayConverter.Write(value.Date));
            foreach (var property in JsonSerializer.SerializeToElement(value.Values, options).EnumerateObject())
            {
                property.WriteTo(writer);
            }

            writer.WriteEndObject();
        }
    }
}
