using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stats.Core.Access;
using Stats.Core.Aggregation;
using Stats.Core.Data;
using Stats.Core.Events;
using Stats.Core.Sources.Amqp;
using Stats.Tests.Builders;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Core.Sources.Amqp;

/// <summary>The consumer of invenio-stats' exchange against a real RabbitMQ, with invenio's exact bodies published as kombu does.</summary>
public sealed class AmqpConsumerTests(RabbitMqBroker broker) : IClassFixture<RabbitMqBroker>
{
    /// <summary>A generous bound for a loaded machine: the tests wait for conditions, and this only stops a hang.</summary>
    internal static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task InvenioBodiesOfBothShapesAreCountedAndReadBackThroughPostApiStats()
    {
        await using var invenio = await InvenioBroker.OpenAsync(broker.Require(), "shapes");
        await using var dashboard = await StartAsync(invenio.Settings(broker.Require()));

        await invenio.PublishAsync("stats-record-view",
            InvenioBodies.ContribView("q-1", "2024-06-15T10:00:00.123456", "192.0.2.1"),
            InvenioBodies.ContribView("q-1", "2024-06-15T10:05:00", "192.0.2.2"),
            InvenioBodies.ContribView("q-1", "2024-06-15T10:10:00", "192.0.2.3"),
            InvenioBodies.RdmView("q-2", "q-2-parent", "2024-06-15T11:00:00", "192.0.2.4", userId: 7),
            InvenioBodies.RdmView("q-2", "q-2-parent", "2024-06-15T11:10:00", "192.0.2.5"));
        await invenio.PublishAsync("stats-file-download",
            InvenioBodies.RdmDownload("q-2", "6f1d0c9e-0000-4000-8000-000000000002", "data.csv", 9000, "2024-06-15T12:00:00", "192.0.2.6"),
            InvenioBodies.RdmDownload("q-2", "6f1d0c9e-0000-4000-8000-000000000002", "data.csv", 9000, "2024-06-15T12:30:00", "192.0.2.7"));
        await UntilAsync(dashboard, async context => await context.RawEvents.CountAsync(Cancellation) == 7, "7 events stored");

        var answer = await StatsAsync(dashboard, """
            {"v1": {"stat": "record-view", "params": {"recid": "q-1"}},
             "v2": {"stat": "record-view", "params": {"recid": "q-2"}},
             "d2": {"stat": "record-download", "params": {"recid": "q-2"}}}
            """);
        Assert.Equal((3, 3), (answer.GetProperty("v1").GetProperty("views").GetInt32(), answer.GetProperty("v1").GetProperty("unique_views").GetInt32()));
        Assert.Equal((2, 2), (answer.GetProperty("v2").GetProperty("views").GetInt32(), answer.GetProperty("v2").GetProperty("unique_views").GetInt32()));
        var d2 = answer.GetProperty("d2");
        Assert.Equal((2, 2, 18_000L), (d2.GetProperty("downloads").GetInt32(), d2.GetProperty("unique_downloads").GetInt32(), d2.GetProperty("data_volume").GetInt64()));
    }

    [Fact]
    public async Task AMessageDeliveredTwiceIsStoredOnce()
    {
        await using var invenio = await InvenioBroker.OpenAsync(broker.Require(), "twice");
        await using var dashboard = await StartAsync(invenio.Settings(broker.Require()));
        var body = InvenioBodies.RdmView("t-1", "t-1-parent", "2024-06-15T10:00:00.000001", "192.0.2.1");

        await invenio.PublishAsync("stats-record-view", body, body, InvenioBodies.RdmView("t-2", "t-2-parent", "2024-06-15T10:00:00", "192.0.2.1"));
        await UntilAsync(dashboard, _ => Task.FromResult(State(dashboard).Consumed == 3), "3 messages consumed");

        await using var context = Contexts(dashboard).CreateDbContext();
        Assert.Equal(2, await context.RawEvents.CountAsync(Cancellation));
    }

    [Fact]
    public async Task AFewMessagesFarFewerThanABatchAreStoredAndAcknowledgedWithoutWaitingForMore()
    {
        await using var invenio = await InvenioBroker.OpenAsync(broker.Require(), "partial");
        // The default prefetch window: a batch holds up to 2,000 messages, and only three will ever come.
        await using var dashboard = await StartAsync(invenio.Settings(broker.Require()));

        await invenio.PublishAsync("stats-record-view",
            InvenioBodies.RdmView("p-1", "p-parent", "2024-06-15T10:00:00", "192.0.2.1"),
            InvenioBodies.RdmView("p-1", "p-parent", "2024-06-15T10:01:00", "192.0.2.2"),
            InvenioBodies.RdmView("p-2", "p-parent", "2024-06-15T10:02:00", "192.0.2.3"));

        await UntilAsync(
            dashboard,
            async context => State(dashboard).Consumed == 3 && await context.RawEvents.CountAsync(Cancellation) == 3,
            "the 3 messages stored and acknowledged");
    }

    [Fact]
    public async Task ManyBatchesInFlightStoreEveryMessageOnceAndAcknowledgeThemAll()
    {
        await using var invenio = await InvenioBroker.OpenAsync(broker.Require(), "inflight");
        var settings = invenio.Settings(broker.Require());
        // Batches of two messages, four in flight: the batches are stored side by side and committed in any order.
        settings["Stats:Sources:Amqp:Prefetch"] = "16";
        await using var dashboard = await StartAsync(settings);
        var bodies = Enumerable.Range(0, 300)
            .Select(i => InvenioBodies.RdmView($"f-{i % 7}", "f-parent", $"2024-06-15T{10 + i / 60:00}:{i % 60:00}:00", $"192.0.2.{i % 250 + 1}"))
            .ToList();

        // Every fifth body twice, the copy far from the original: a redelivery that lands in another batch.
        await invenio.PublishAsync("stats-record-view", [.. bodies, .. bodies.Where((_, i) => i % 5 == 0)]);

        await UntilAsync(dashboard, _ => Task.FromResult(State(dashboard).Consumed == 360), "all 360 messages acknowledged");
        await using var context = Contexts(dashboard).CreateDbContext();
        Assert.Equal(300, await context.RawEvents.CountAsync(Cancellation));
    }

    [Fact]
    public async Task AMixWithBrokenMessagesCountsEveryGoodOneAndDeadLettersEveryBadOneWithItsReasons()
    {
        await using var invenio = await InvenioBroker.OpenAsync(broker.Require(), "broken");
        await using var dashboard = await StartAsync(invenio.Settings(broker.Require()));
        string[] broken =
        [
            "not json at all",
            """["a", "list"]""",
            """{"timestamp": "last tuesday", "pid_value": "b-1", "ip_address": "192.0.2.1"}""",
            InvenioBodies.ContribView("b-1", "2024-06-15T10:00:00", "192.0.2.1").Replace("\"pid_value\": \"b-1\",", "", StringComparison.Ordinal),
        ];
        var good = Enumerable.Range(0, 50).Select(i => InvenioBodies.RdmView("b-1", "b-parent", $"2024-06-15T10:{i:00}:00", $"192.0.2.{i + 1}")).ToList();

        await invenio.PublishAsync("stats-record-view", [.. good.Take(20), .. broken, .. good.Skip(20)]);
        var letters = new List<(string Body, IDictionary<string, object?> Headers)>();
        await UntilAsync(dashboard, async _ =>
        {
            letters.AddRange(await invenio.DrainAsync(invenio.DeadLetterQueue));
            return letters.Count >= broken.Length && State(dashboard).Consumed == good.Count + broken.Length;
        }, "every message consumed and the broken ones dead-lettered");

        await using (var context = Contexts(dashboard).CreateDbContext())
        {
            Assert.Equal(good.Count, await context.RawEvents.CountAsync(Cancellation));
        }

        Assert.Equal(broken.Order(StringComparer.Ordinal), letters.Select(l => l.Body).Order(StringComparer.Ordinal));
        string Reasons(string body) => InvenioBroker.Header(letters.Single(l => l.Body == body).Headers, DeadLetters.ReasonsHeader)!;
        Assert.Contains("not JSON", Reasons(broken[0]), StringComparison.Ordinal);
        Assert.Contains("not an object", Reasons(broken[1]), StringComparison.Ordinal);
        Assert.Contains("'timestamp'", Reasons(broken[2]), StringComparison.Ordinal);
        Assert.Contains("field 'recid' is required", Reasons(broken[3]), StringComparison.Ordinal);
        Assert.Equal(broken.Length, State(dashboard).DeadLettered);
    }

    [Fact]
    public async Task AContribDownloadOfAnUnknownBucketIsHeldUntilTheBucketIsLearnedThenCountedOnce()
    {
        await using var invenio = await InvenioBroker.OpenAsync(broker.Require(), "held");
        await using var dashboard = await StartAsync(invenio.Settings(broker.Require()));
        const string Bucket = "3c9e7a51-0000-4000-8000-000000000003";

        await invenio.PublishAsync("stats-file-download", InvenioBodies.ContribDownload(Bucket, "paper.pdf", 500, "2024-06-15T09:00:00", "192.0.2.10"));
        await UntilAsync(dashboard, async context => await context.HeldEvents.AnyAsync(Cancellation), "the download held");
        using (var pipeline = await AdminGetAsync(dashboard, "/api/admin/pipeline"))
        {
            var queue = pipeline.RootElement.GetProperty("sources").GetProperty("queue");
            Assert.Equal(1, queue.GetProperty("held").GetInt64());
            Assert.True(queue.GetProperty("connected").GetBoolean());
        }

        await using (var context = Contexts(dashboard).CreateDbContext())
        {
            // Held, not stored: no raw IP waits in the table either.
            Assert.Equal(0, await context.RawEvents.CountAsync(Cancellation));
            Assert.DoesNotContain("192.0.2.10", (await context.HeldEvents.SingleAsync(Cancellation)).Payload, StringComparison.Ordinal);
        }

        // An InvenioRDM download names the bucket with its record: the map learns it, and the held download follows.
        await invenio.PublishAsync("stats-file-download", InvenioBodies.RdmDownload("h-1", Bucket, "paper.pdf", 500, "2024-06-15T15:00:00", "192.0.2.11"));
        await UntilAsync(
            dashboard,
            async context => await context.RawEvents.CountAsync(Cancellation) == 2 && !await context.HeldEvents.AnyAsync(Cancellation),
            "both downloads stored, none held");

        var answer = await StatsAsync(dashboard, """{"d": {"stat": "record-download", "params": {"recid": "h-1"}}}""");
        Assert.Equal((2, 1000L), (answer.GetProperty("d").GetProperty("downloads").GetInt32(), answer.GetProperty("d").GetProperty("data_volume").GetInt64()));
    }

    [Fact]
    public async Task ADownloadHeldLongerThanTheHoldingTimeIsDeadLetteredWithItsReason()
    {
        await using var invenio = await InvenioBroker.OpenAsync(broker.Require(), "expired");
        var settings = invenio.Settings(broker.Require());
        settings["Stats:Sources:Amqp:HoldFor"] = "00:00:00.001";
        await using var dashboard = await StartAsync(settings);

        await invenio.PublishAsync("stats-file-download", InvenioBodies.ContribDownload("never-learned", "x.zip", 5, "2024-06-15T09:00:00", "192.0.2.12"));
        var letters = new List<(string Body, IDictionary<string, object?> Headers)>();
        // Dead-lettered first, then forgotten: both must have happened.
        await UntilAsync(dashboard, async context =>
        {
            letters.AddRange(await invenio.DrainAsync(invenio.DeadLetterQueue));
            return letters.Count > 0 && !await context.HeldEvents.AnyAsync(Cancellation);
        }, "the expired download dead-lettered and no longer held");

        Assert.Contains("bucket 'never-learned' belongs to no known record", InvenioBroker.Header(letters.Single().Headers, DeadLetters.ReasonsHeader), StringComparison.Ordinal);
        Assert.Contains("\"bucket_id\":\"never-learned\"", letters.Single().Body, StringComparison.Ordinal);
        Assert.Equal(1, State(dashboard).DeadLettered);
    }

    [Fact]
    public async Task TheQueueShowsInHealthPipelineAndMetrics()
    {
        await using var invenio = await InvenioBroker.OpenAsync(broker.Require(), "shown");
        await using var dashboard = await StartAsync(invenio.Settings(broker.Require()));
        await invenio.PublishAsync("stats-record-view", InvenioBodies.RdmView("m-1", "m-p", "2024-06-15T10:00:00", "192.0.2.1"));
        await UntilAsync(dashboard, _ => Task.FromResult(State(dashboard).Consumed == 1), "1 message consumed");

        using var client = dashboard.CreateClient();
        using var health = JsonDocument.Parse(await client.GetStringAsync(new Uri("/healthz", UriKind.Relative), Cancellation));
        Assert.Contains(health.RootElement.GetProperty("checks").EnumerateArray(), c => c.GetProperty("name").GetString() == "queue" && c.GetProperty("status").GetString() == "healthy");
        using var admin = await dashboard.CreateClientWithKeyAsync(ApiScopes.Admin);
        var metrics = await admin.GetStringAsync(new Uri("/metrics", UriKind.Relative), Cancellation);
        Assert.Contains("stats_queue_consumed_total 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("stats_queue_connected 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("stats_queue_reconnects_total 0\n", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutABrokerTheQueueIsOffAndPipelineSaysNull()
    {
        await using var dashboard = new DashboardFactory();
        await dashboard.InitializeAsync();

        using var pipeline = await AdminGetAsync(dashboard, "/api/admin/pipeline");
        Assert.Equal(JsonValueKind.Null, pipeline.RootElement.GetProperty("sources").GetProperty("queue").ValueKind);
    }

    internal static async Task<DashboardFactory> StartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var dashboard = new DashboardFactory(settings);
        await dashboard.InitializeAsync();
        await UntilAsync(dashboard, _ => Task.FromResult(State(dashboard).Connected), "the consumer connected");
        return dashboard;
    }

    internal static AmqpSourceState State(DashboardFactory dashboard) => dashboard.Services.GetRequiredService<AmqpSourceState>();

    internal static IDbContextFactory<StatsDbContext> Contexts(DashboardFactory dashboard) => dashboard.Services.GetRequiredService<IDbContextFactory<StatsDbContext>>();

    /// <summary>Waits until <paramref name="condition"/> holds on the dashboard's store, looking again and again up to <see cref="Patience"/>.</summary>
    internal static async Task UntilAsync(DashboardFactory dashboard, Func<StatsDbContext, Task<bool>> condition, string what)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        timeout.CancelAfter(Patience);
        while (true)
        {
            await using (var context = Contexts(dashboard).CreateDbContext())
            {
                if (await condition(context))
                {
                    return;
                }
            }

            if (timeout.IsCancellationRequested)
            {
                var state = State(dashboard);
                Assert.Fail($"Not reached within {Patience}: {what} (consumer connected: {state.Connected}, last error: {state.LastError ?? "none"}).");
            }

            await Task.Delay(50, Cancellation);
        }
    }

    private static async Task<JsonElement> StatsAsync(DashboardFactory dashboard, string query)
    {
        var aggregated = await dashboard.Services.GetRequiredService<AggregationRunner>().RunAsync(Cancellation);
        Assert.Null(aggregated.Error);
        using var client = dashboard.CreateClient();
        using var response = await client.PostAsync(new Uri("/api/stats", UriKind.Relative), new StringContent(query, Encoding.UTF8, "application/json"), Cancellation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation));
        return document.RootElement.Clone();
    }

    private static async Task<JsonDocument> AdminGetAsync(DashboardFactory dashboard, string path)
    {
        using var admin = await dashboard.CreateClientWithKeyAsync(ApiScopes.Admin);
        return JsonDocument.Parse(await admin.GetStringAsync(new Uri(path, UriKind.Relative), Cancellation));
    }
}
