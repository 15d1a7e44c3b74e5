using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Stats.Core.Data;
using Stats.Tests.Builders;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Core.Sources.Amqp;

/// <summary>The consumer through crashes, broker restarts and a second instance: every event counted exactly once.</summary>
public sealed class AmqpResilienceTests(RabbitMqBroker broker) : IClassFixture<RabbitMqBroker>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>Distinct views, one per second of a day of 2024: each its own event, none a double-click of another.</summary>
    private static IEnumerable<string> Views(int from, int count) =>
        Enumerable.Range(from, count).Select(i =>
            InvenioBodies.RdmView($"r-{i % 40}", "p", new DateTime(2024, 6, 15, 0, 0, 0, DateTimeKind.Utc).AddSeconds(i).ToString("yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture), $"198.51.100.{i % 250}"));

    [Fact]
    public async Task KillingTheDashboardWhileItConsumesCountsEveryEventExactlyOnceAfterTheRestart()
    {
        const int Published = 3000;
        await using var invenio = await InvenioBroker.OpenAsync(broker.Require(), "crash");
        await invenio.DeclareOurQueueAsync();
        await invenio.PublishAsync("stats-record-view", Views(0, Published));
        using var folder = new TempFolder();
        var settings = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Stats__Database__DataFolder"] = folder.Path,
            ["Stats__Retention__RawEventMaxAgeDays"] = "0",
            ["Stats__Auth__Oidc__Authority"] = "http://127.0.0.1:9/",
            ["Stats__Auth__Oidc__ClientId"] = "stats",
            ["Stats__Auth__Oidc__RequireHttpsMetadata"] = "false",
            // Small batches, so that the kill falls between many commits and acknowledgements.
            ["Stats__Sources__Amqp__Prefetch"] = "100",
        };
        foreach (var (key, value) in invenio.Settings(broker.Require()))
        {
            settings[key.Replace(":", "__", StringComparison.Ordinal)] = value!;
        }

        var contexts = new StatsDbContextFactory(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(folder.Path, "stats.db")}");
        using (var server = await DashboardProcess.StartServerAsync(settings))
        {
            await UntilStoredAsync(contexts, n => n >= Published / 10);
            server.KillHard();
        }

        using (var restarted = await DashboardProcess.StartServerAsync(settings))
        {
            await UntilStoredAsync(contexts, n => n >= Published);
        }

        // Once nobody consumes, whatever the broker still held would be back in the queue: nothing is, and nothing is twice.
        await using var context = contexts.CreateDbContext();
        var ids = await context.RawEvents.Select(e => e.ClientIdHash).ToListAsync(Cancellation);
        Assert.Equal(Published, ids.Count);
        Assert.Equal(Published, ids.Distinct().Count());
        Assert.Empty(await invenio.DrainAsync(invenio.Queue));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task AfterTheBrokerStopsAndStartsAgainTheConsumerReconnectsByItselfAndCountsWhatComesNext()
    {
        if (RabbitMqNode.Problem is { } problem)
        {
            TestEnvironment.Unavailable($"This test stops and starts a RabbitMQ node of its own: {problem}.");
        }

        await using var node = await RabbitMqNode.StartAsync();
        await using var invenio = await InvenioBroker.OpenAsync(node.Uri, "restart");
        await using var dashboard = await AmqpConsumerTests.StartAsync(invenio.Settings(node.Uri));
        await invenio.PublishAsync("stats-record-view", Views(0, 10));
        await AmqpConsumerTests.UntilAsync(dashboard, async c => await c.RawEvents.CountAsync(Cancellation) == 10, "the first 10 stored");

        await node.StopAsync();
        await AmqpConsumerTests.UntilAsync(dashboard, _ => Task.FromResult(!AmqpConsumerTests.State(dashboard).Connected), "the consumer sees the broker gone");
        using (var client = dashboard.CreateClient())
        {
            using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative), Cancellation);
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            using var health = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation));
            Assert.Equal("degraded", health.RootElement.GetProperty("status").GetString());
            Assert.Contains("queue: not connected", health.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
        }

        await node.StartAgainAsync();
        await AmqpConsumerTests.UntilAsync(dashboard, _ => Task.FromResult(AmqpConsumerTests.State(dashboard).Connected), "the consumer back");
        // The exchange and our queue are durable: they survive the restart, and the consumer bound the queue again anyway.
        await using var again = await InvenioBroker.ReopenAsync(node.Uri, invenio.Exchange);
        await again.PublishAsync("stats-record-view", Views(10, 10));
        await AmqpConsumerTests.UntilAsync(dashboard, async c => await c.RawEvents.CountAsync(Cancellation) == 20, "the next 10 stored");
        Assert.True(AmqpConsumerTests.State(dashboard).Snapshot("", "", 0).Reconnects >= 1);
    }

    [Fact]
    public async Task TwoInstancesOnOnePostgreSqlConsumingOneQueueCountWhatWasPublished()
    {
        const int Published = 2000;
        await using var store = await PostgreSqlTestStore.CreateAsync();
        await using var invenio = await InvenioBroker.OpenAsync(broker.Require(), "pair");
        var settings = invenio.Settings(broker.Require());
        settings["Stats:Database:Provider"] = "PostgreSql";
        settings["Stats:Database:ConnectionString"] = store.ConnectionString;
        settings["Stats:Sources:Amqp:Prefetch"] = "100";

        await using var first = await AmqpConsumerTests.StartAsync(settings);
        await using var second = await AmqpConsumerTests.StartAsync(settings);
        await invenio.PublishAsync("stats-record-view", Views(0, Published));
        await AmqpConsumerTests.UntilAsync(
            first,
            _ => Task.FromResult(AmqpConsumerTests.State(first).Consumed + AmqpConsumerTests.State(second).Consumed == Published),
            "every message consumed by one of the two");

        await using var context = store.CreateContext();
        Assert.Equal(Published, await context.RawEvents.CountAsync(Cancellation));
        Assert.True(AmqpConsumerTests.State(first).Consumed > 0 && AmqpConsumerTests.State(second).Consumed > 0, "both instances consumed");
    }

    private static async Task UntilStoredAsync(StatsDbContextFactory contexts, Func<int, bool> enough)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        timeout.CancelAfter(AmqpConsumerTests.Patience);
        var stored = 0;
        while (!timeout.IsCancellationRequested)
        {
            try
            {
                await using var context = contexts.CreateDbContext();
                stored = await context.RawEvents.CountAsync(Cancellation);
                if (enough(stored))
                {
                    return;
                }
            }
            catch (Microsoft.Data.Sqlite.SqliteException)
            {
                // The dashboard creates the store when it starts: not there yet.
            }

            await Task.Delay(50, Cancellation);
        }

        Assert.Fail($"Only {stored} events stored within {AmqpConsumerTests.Patience}.");
    }
}
