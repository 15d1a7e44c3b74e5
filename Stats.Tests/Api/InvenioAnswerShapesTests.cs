using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Stats.Core.Access;
using Stats.Core.Aggregation;
using Stats.Core.Events;
using Stats.Core.Ingestion;
using Stats.Tests.Builders;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Api;

/// <summary>
/// The answers of <c>POST /api/stats</c> for the stats invenio has, against invenio-stats' answer shapes (docs/invenio.md,
/// "Answer shapes"): the field names and JSON types an invenio front end reads, written here from invenio's description
/// (its terms and date histogram queries, InvenioRDM's record stats, the contrib bucket stats), not from our answers.
/// </summary>
public sealed class InvenioAnswerShapesTests(InvenioAnswerShapesTests.SeededDashboard seeded) : IClassFixture<InvenioAnswerShapesTests.SeededDashboard>
{
    private const string Recid = "shape-1";
    private const string Concept = "shape-concept";
    private const string Bucket = "2b1e5a3c-shape-bucket";
    private static readonly DateTimeOffset s_day = new(2024, 6, 15, 0, 0, 0, TimeSpan.Zero);

    private DashboardFactory Dashboard => seeded.Dashboard;

    // JSON types as invenio writes them; "string|null" for the dates of an open period.
    private const string Str = "string";
    private const string Num = "number";
    private const string StrOrNull = "string|null";

    /// <summary>invenio-stats' terms query: the period asked, then the fields it copies, then its metrics.</summary>
    private static Dictionary<string, string> Totals(params (string Field, string Type)[] fields) =>
        new[] { ("start_date", StrOrNull), ("end_date", StrOrNull) }.Concat(fields).ToDictionary(f => f.Item1, f => f.Item2);

    /// <summary>One invenio stat: the query, the shape invenio answers, and the fields we answer besides (named, so that nothing else creeps in).</summary>
    public sealed record Shape(
        string Stat, Dictionary<string, string> Params, Dictionary<string, string> Fields, string[] Ours,
        Dictionary<string, string>? Buckets = null, string[]? OursInBuckets = null);

    private static readonly Dictionary<string, Shape> s_shapes = new(StringComparer.Ordinal)
    {
        ["record-view"] = new(
            "record-view", new() { ["recid"] = Recid, ["start_date"] = "2024-06-01", ["end_date"] = "2024-06-30" },
            Totals(("recid", Str), ("parent_recid", Str), ("views", Num), ("unique_views", Num)), []),
        ["record-view-all-versions"] = new(
            "record-view-all-versions", new() { ["parent_recid"] = Concept },
            Totals(("parent_recid", Str), ("views", Num), ("unique_views", Num)), []),
        ["record-download"] = new(
            "record-download", new() { ["recid"] = Recid, ["start_date"] = "2024-06-15T08:00:00" },
            Totals(("recid", Str), ("parent_recid", Str), ("downloads", Num), ("unique_downloads", Num), ("data_volume", Num)), []),
        ["record-download-all-versions"] = new(
            "record-download-all-versions", new() { ["parent_recid"] = Concept, ["end_date"] = "2024-06-30" },
            Totals(("parent_recid", Str), ("downloads", Num), ("unique_downloads", Num), ("data_volume", Num)), []),
        // The contrib terms query on file_key, whose metric is "value" (the sum of the daily counts).
        ["bucket-file-download-total"] = new(
            "bucket-file-download-total", new() { ["bucket_id"] = Bucket },
            Totals(("value", Num), ("type", Str), ("field", Str), ("key_type", Str), ("buckets", "array")),
            ["bucket_id", "downloads", "unique_downloads", "data_volume"],
            new() { ["key"] = Str, ["value"] = Num }, ["downloads", "unique_downloads", "data_volume"]),
        // The contrib date histogram, copying bucket_id and file_key into each bucket.
        ["bucket-file-download-histogram"] = new(
            "bucket-file-download-histogram",
            new() { ["bucket_id"] = Bucket, ["file_key"] = "data.csv", ["start_date"] = "2024-06-01", ["end_date"] = "2024-07-31", ["interval"] = "month" },
            new() { ["interval"] = Str, ["key_type"] = Str, ["start_date"] = StrOrNull, ["end_date"] = StrOrNull, ["buckets"] = "array" }, [],
            new() { ["key"] = Num, ["date"] = Str, ["value"] = Num, ["bucket_id"] = Str, ["file_key"] = Str },
            ["downloads", "unique_downloads", "data_volume"]),
    };

    public static TheoryData<string> InvenioStats => [.. s_shapes.Keys];

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(InvenioStats))]
    public async Task AnInvenioStatAnswersWithInveniosFieldNamesAndJsonTypes(string stat)
    {
        var shape = s_shapes[stat];

        var (status, body) = await QueryAsync(shape.Stat, shape.Params);

        Assert.True(status == HttpStatusCode.OK, body.GetRawText());
        AssertShape(body, shape.Fields, shape.Ours);
        foreach (var (name, value) in shape.Params.Where(p => p.Key is "start_date" or "end_date"))
        {
            // invenio writes the dates it was given back as ISO date-times; ours are days, so midnight.
            Assert.Equal($"{value[..10]}T00:00:00", body.GetProperty(name).GetString());
        }

        var constants = new Dictionary<string, string> { ["type"] = "bucket", ["field"] = "file_key" };
        constants["key_type"] = shape.Fields.ContainsKey("interval") ? "date" : "terms";
        foreach (var (name, value) in constants.Where(c => shape.Fields.ContainsKey(c.Key)))
        {
            Assert.Equal(value, body.GetProperty(name).GetString());
        }

        if (shape.Buckets is null)
        {
            return;
        }

        var buckets = body.GetProperty("buckets").EnumerateArray().ToList();
        Assert.NotEmpty(buckets);
        foreach (var bucket in buckets)
        {
            AssertShape(bucket, shape.Buckets, shape.OursInBuckets ?? []);
            if (shape.Buckets.ContainsKey("date"))
            {
                // A date histogram's key is its date as milliseconds since the epoch (UTC), its date an ISO date-time at midnight.
                var date = bucket.GetProperty("date").GetString()!;
                Assert.Matches(@"^\d{4}-\d{2}-\d{2}T00:00:00$", date);
                var midnight = DateTimeOffset.ParseExact(date + "Z", "yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture);
                Assert.Equal(midnight.ToUnixTimeMilliseconds(), bucket.GetProperty("key").GetInt64());
            }
        }
    }

    [Fact]
    public async Task TheBucketStatsCountTheDownloadsOfTheFilesOfTheBucketsRecord()
    {

        var (_, total) = await QueryAsync("bucket-file-download-total", new() { ["bucket_id"] = Bucket });
        var (_, monthly) = await QueryAsync(
            "bucket-file-download-histogram",
            new() { ["bucket_id"] = Bucket, ["file_key"] = "data.csv", ["start_date"] = "2024-05-20", ["end_date"] = "2024-07-10", ["interval"] = "month" });

        // data.csv twice (two sessions), notes.txt once; the totals are the files' sums, as invenio's are.
        Assert.Equal(3, total.GetProperty("value").GetInt64());
        Assert.Equal(9100, total.GetProperty("data_volume").GetInt64());
        Assert.Equal(
            [("data.csv", 2L, 9000L), ("notes.txt", 1L, 100L)],
            total.GetProperty("buckets").EnumerateArray().Select(b => (b.GetProperty("key").GetString(), b.GetProperty("value").GetInt64(), b.GetProperty("data_volume").GetInt64())));
        Assert.Equal(
            [("2024-05-01T00:00:00", 0L), ("2024-06-01T00:00:00", 2L), ("2024-07-01T00:00:00", 0L)],
            monthly.GetProperty("buckets").EnumerateArray().Select(b => (b.GetProperty("date").GetString(), b.GetProperty("value").GetInt64())));
        Assert.All(monthly.GetProperty("buckets").EnumerateArray(), b => Assert.Equal((Bucket, "data.csv"), (b.GetProperty("bucket_id").GetString(), b.GetProperty("file_key").GetString())));
    }

    [Fact]
    public async Task ABucketTheCatalogDoesNotKnowAnswersZerosAsAnUnknownRecordDoes()
    {
        var (status, total) = await QueryAsync("bucket-file-download-total", new() { ["bucket_id"] = "no-such-bucket" });
        var (_, daily) = await QueryAsync(
            "bucket-file-download-histogram",
            new() { ["bucket_id"] = "no-such-bucket", ["file_key"] = "data.csv", ["start_date"] = "2024-06-01", ["end_date"] = "2024-06-02" });
        var (_, record) = await QueryAsync("file-download-histogram", new() { ["recid"] = "no-such-record", ["file_key"] = "data.csv", ["start_date"] = "2024-06-01", ["end_date"] = "2024-06-02" });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal((0L, 0), (total.GetProperty("value").GetInt64(), total.GetProperty("buckets").GetArrayLength()));
        Assert.Equal(
            record.GetProperty("buckets").EnumerateArray().Select(b => (b.GetProperty("date").GetString(), b.GetProperty("downloads").GetInt64())),
            daily.GetProperty("buckets").EnumerateArray().Select(b => (b.GetProperty("date").GetString(), b.GetProperty("value").GetInt64())));
        Assert.Equal(2, daily.GetProperty("buckets").GetArrayLength());
    }

    [Fact]
    public async Task TheBucketStatsAreTheRecordsStatsForTheAccessRules()
    {
        await IngestAsync(Download("shape-closed", "closed-bucket", "data.csv", s_day.AddHours(9), "shape-closed-d1", session: "c1"));
        await Dashboard.Services.GetRequiredService<AccessRuleStore>().SetAsync(
            RuleTarget.Record("shape-closed"), StatFamily.Usage, Audience.AdminsOnly, "test", Cancellation);

        var (closed, problem) = await QueryAsync("bucket-file-download-total", new() { ["bucket_id"] = "closed-bucket" });
        var (histogram, _) = await QueryAsync("bucket-file-download-histogram", new() { ["bucket_id"] = "closed-bucket", ["file_key"] = "data.csv" });
        var (open, _) = await QueryAsync("bucket-file-download-total", new() { ["bucket_id"] = Bucket });
        using var admin = await Dashboard.CreateClientWithKeyAsync(ApiScopes.Admin);
        var (asAdmin, _) = await QueryAsync("bucket-file-download-total", new() { ["bucket_id"] = "closed-bucket" }, admin);

        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), (closed, histogram));
        Assert.Equal("q", problem.GetProperty("query").GetString());
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (open, asAdmin));
    }

    private static void AssertShape(JsonElement answer, Dictionary<string, string> expected, string[] ours)
    {
        var given = answer.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ValueKind, StringComparer.Ordinal);
        foreach (var (name, type) in expected)
        {
            Assert.True(given.TryGetValue(name, out var kind), $"'{name}' is missing from {answer.GetRawText()}");
            Assert.True(type.Split('|').Contains(TypeOf(kind)), $"'{name}' is {kind}, invenio's is {type}, in {answer.GetRawText()}");
        }

        Assert.Empty(given.Keys.Except(expected.Keys).Except(ours));
    }

    private static string TypeOf(JsonValueKind kind) => kind switch
    {
        JsonValueKind.String => Str,
        JsonValueKind.Number => Num,
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "array",
        JsonValueKind.Object => "object",
        _ => "boolean",
    };

    private Task IngestAsync(params IncomingEvent[] events) => IngestAsync(Dashboard, events);

    private static async Task IngestAsync(DashboardFactory dashboard, params IncomingEvent[] events)
    {
        var ingested = await dashboard.Services.GetRequiredService<EventIngestor>().IngestAsync(events, Cancellation);
        Assert.Empty(ingested.Rejected);
        Assert.Null((await dashboard.Services.GetRequiredService<AggregationRunner>().RunAsync(Cancellation)).Error);
    }

    /// <summary>The dashboard with a record of a two-version concept, viewed once and downloaded three times from its bucket.</summary>
    public sealed class SeededDashboard : IAsyncLifetime
    {
        public DashboardFactory Dashboard { get; } = new();

        public async ValueTask InitializeAsync()
        {
            await Dashboard.InitializeAsync();
            await IngestAsync(
                Dashboard,
                TestEvents.Published(Recid, s_day.AddDays(-10), parentRecid: Concept),
                TestEvents.Published("shape-2", s_day.AddDays(-5), parentRecid: Concept),
                TestEvents.View(Recid, s_day.AddHours(10), sessionId: "s1"),
                Download(Recid, Bucket, "data.csv", s_day.AddHours(11), "shape-d1", session: "s1"),
                Download(Recid, Bucket, "data.csv", s_day.AddHours(12), "shape-d2", session: "s2"),
                Download(Recid, Bucket, "notes.txt", s_day.AddHours(13), "shape-d3", session: "s2", size: 100));
        }

        public ValueTask DisposeAsync() => Dashboard.DisposeAsync();
    }

    /// <summary>A download as InvenioRDM sends it: the bucket beside the recid, which teaches the catalog the bucket's record.</summary>
    private static IncomingEvent Download(string recid, string bucket, string fileKey, DateTimeOffset at, string id, string session, long size = 4500) => new()
    {
        Id = id,
        Type = EventCatalog.FileDownload,
        Timestamp = at,
        Recid = recid,
        BucketId = bucket,
        FileKey = fileKey,
        Size = size,
        SessionId = session,
        IpAddress = TestEvents.PublicIp,
        UserAgent = TestEvents.Browser,
    };

    private async Task<(HttpStatusCode Status, JsonElement Body)> QueryAsync(string stat, Dictionary<string, string> parameters, HttpClient? client = null)
    {
        using var anonymous = client is null ? Dashboard.CreateClient() : null;
        var body = JsonSerializer.Serialize(new Dictionary<string, object> { ["q"] = new { stat, @params = parameters } });
        using var response = await (client ?? anonymous!).PostAsync(new Uri("/api/stats", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"), Cancellation);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation));
        var root = document.RootElement;
        return (response.StatusCode, response.IsSuccessStatusCode ? root.GetProperty("q").Clone() : root.Clone());
    }
}
