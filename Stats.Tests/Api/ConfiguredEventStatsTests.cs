using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Stats.Core.Aggregation;
using Stats.Core.Ingestion;
using Stats.Tests.Builders;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Api;

/// <summary>A type added by configuration goes the whole way: ingested, aggregated, and read back through <c>POST /api/stats</c>.</summary>
public sealed class ConfiguredEventStatsTests : IAsyncLifetime
{
    private readonly DashboardFactory _dashboard = new(new Dictionary<string, string?>
    {
        ["Stats:Events:Types:0:Name"] = "page-printed",
        ["Stats:Events:Types:0:DisplayName"] = "Pages printed",
        ["Stats:Events:Types:0:Required:0"] = "recid",
        ["Stats:Events:Types:0:Optional:0"] = "community",
    });

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => await _dashboard.InitializeAsync();

    public async ValueTask DisposeAsync() => await _dashboard.DisposeAsync();

    private static IncomingEvent Printed(string recid, int month, int day, int hour, string? community = null) =>
        new() { Type = "page-printed", Timestamp = new DateTimeOffset(2024, month, day, hour, 0, 0, TimeSpan.Zero), Recid = recid, Community = community };

    private async Task IngestAndAggregateAsync(params IncomingEvent[] events)
    {
        var ingested = await _dashboard.Services.GetRequiredService<EventIngestor>().IngestAsync(events, Cancellation);
        Assert.Empty(ingested.Rejected);
        var aggregated = await _dashboard.Services.GetRequiredService<AggregationRunner>().RunAsync(Cancellation);
        Assert.Null(aggregated.Error);
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string body)
    {
        using var client = _dashboard.CreateClient();
        using var response = await client.PostAsync(new Uri("/api/stats", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"), Cancellation);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation));
        return (response.StatusCode, document.RootElement.Clone());
    }

    [Fact]
    public async Task AConfiguredTypeIsCountedPerRecordCommunityAndRepositoryAsATotalAndAHistogram()
    {
        await IngestAndAggregateAsync(
            TestEvents.Published("print-1", new DateTimeOffset(2024, 6, 1, 9, 0, 0, TimeSpan.Zero), communities: ["print-hep"]),
            TestEvents.Published("print-2", new DateTimeOffset(2024, 6, 1, 9, 0, 0, TimeSpan.Zero), communities: ["print-hep"]),
            // Three on June 10 and one on June 11 for print-1, in its community by the catalog; one in July for
            // print-2, which names another community: that one counts, not the record's.
            Printed("print-1", 6, 10, 8), Printed("print-1", 6, 10, 9), Printed("print-1", 6, 10, 10), Printed("print-1", 6, 11, 8),
            Printed("print-2", 7, 2, 8, community: "print-other"),
            TestEvents.View("print-1", new DateTimeOffset(2024, 6, 10, 12, 0, 0, TimeSpan.Zero)));

        var (status, body) = await PostAsync("""
            {
              "record": {"stat": "events", "params": {"type": "page-printed", "recid": "print-1"}},
              "community": {"stat": "events", "params": {"type": "page-printed", "community": "print-hep"}},
              "other": {"stat": "events", "params": {"type": "page-printed", "community": "print-other"}},
              "repository": {"stat": "events", "params": {"type": "page-printed", "start_date": "2024-06-11"}},
              "unknown": {"stat": "events", "params": {"type": "page-printed", "recid": "print-none"}},
              "daily": {"stat": "events-histogram", "params": {"type": "page-printed", "recid": "print-1", "start_date": "2024-06-10", "end_date": "2024-06-12"}},
              "monthly": {"stat": "events-histogram", "params": {"type": "page-printed", "start_date": "2024-06-01", "end_date": "2024-07-31", "interval": "month"}},
              "views": {"stat": "record-view", "params": {"recid": "print-1"}}
            }
            """);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("""{"type":"page-printed","count":4}""", body.GetProperty("record").GetRawText());
        Assert.Equal("""{"type":"page-printed","count":4}""", body.GetProperty("community").GetRawText());
        Assert.Equal("""{"type":"page-printed","count":1}""", body.GetProperty("other").GetRawText());
        Assert.Equal("""{"type":"page-printed","count":2}""", body.GetProperty("repository").GetRawText());
        Assert.Equal("""{"type":"page-printed","count":0}""", body.GetProperty("unknown").GetRawText());
        Assert.Equal(
            """{"interval":"day","key_type":"date","start_date":"2024-06-10T00:00:00","end_date":"2024-06-12T00:00:00","buckets":[""" +
            """{"key":1717977600000,"date":"2024-06-10T00:00:00","count":3},{"key":1718064000000,"date":"2024-06-11T00:00:00","count":1},""" +
            """{"key":1718150400000,"date":"2024-06-12T00:00:00","count":0}]}""",
            body.GetProperty("daily").GetRawText());
        Assert.Equal(
            """{"interval":"month","key_type":"date","start_date":"2024-06-01T00:00:00","end_date":"2024-07-31T00:00:00","buckets":[""" +
            """{"key":1717200000000,"date":"2024-06-01T00:00:00","count":4},{"key":1719792000000,"date":"2024-07-01T00:00:00","count":1}]}""",
            body.GetProperty("monthly").GetRawText());
        // The built-in types keep their own numbers: the printing is not a view.
        Assert.Equal("""{"start_date":null,"end_date":null,"recid":"print-1","parent_recid":null,"views":1,"unique_views":1}""", body.GetProperty("views").GetRawText());
    }

    [Theory]
    [InlineData("record-view")]
    [InlineData("page-scanned")]
    public async Task ATypeNotAddedByConfigurationIsA400ThatNamesTheConfiguredOnes(string type)
    {
        var (status, problem) = await PostAsync(JsonSerializer.Serialize(new { q = new { stat = "events", @params = new { type } } }));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains($"'{type}'", detail, StringComparison.Ordinal);
        Assert.Contains("page-printed", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARecordAndACommunityTogetherIsA400()
    {
        var (status, problem) = await PostAsync("""{"q": {"stat": "events", "params": {"type": "page-printed", "recid": "a", "community": "b"}}}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("not both", problem.GetProperty("detail").GetString()!, StringComparison.Ordinal);
    }
}
