using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Stats.Core.Aggregation;
using Stats.Core.Data;
using Stats.Core.Sources.Amqp;
using Stats.Dashboard.Components.Pages.Admin;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Components.Pages;

/// <summary>
/// The queue part of the Admin page's Sources section, as an operator switching a live repository reads it: which broker
/// and queue, whether the consumer is connected (and why not), what it consumed and dead-lettered, and how many downloads
/// the store holds for a bucket it does not know yet.
/// </summary>
public sealed class SourcesSectionTests : DashboardTestContext
{
    private const string BrokerUri = "amqp://stats:s3cret@broker.example:5672/invenio";

    private static CancellationToken Cancellation => Xunit.TestContext.Current.CancellationToken;

    private readonly FakeTimeProvider _clock = new(Now);

    [Fact]
    public async Task TheQueuePartShowsTheBrokerWhatWasConsumedAndTheDownloadsTheStoreHolds()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await HoldAsync(store, 3);
        var state = new AmqpSourceState(_clock) { Enabled = true };
        state.OnConnected();
        state.OnConsumed(1_234);
        state.OnDeadLettered(2);
        state.OnQueueDepth(56);
        Services.AddSingleton(Monitor(store, state, "stats-live"));

        var section = Render<SourcesSection>();

        section.WaitForAssertion(() => Assert.NotEmpty(section.FindAll(".stats-pipeline-queue")));
        var table = section.Find(".stats-pipeline-queue").TextContent;
        Assert.Contains("stats-live on amqp://broker.example:5672/invenio, connected since", table);
        Assert.DoesNotContain("s3cret", section.Markup);
        Assert.Contains("1,234 message(s), 2 dead-lettered", section.Find(".stats-queue-consumed").TextContent);
        Assert.Contains("3 download(s) waiting for their bucket's record", section.Find(".stats-queue-held").TextContent);
        Assert.Contains("56", table);
        Assert.Empty(section.FindAll(".stats-queue-disconnected"));
    }

    [Fact]
    public async Task ADisconnectedConsumerIsAWarningThatSaysWhy()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        var state = new AmqpSourceState(_clock) { Enabled = true };
        state.OnConnected();
        state.OnFailed("Connection refused");
        state.OnConnected();
        state.OnFailed("Broker unreachable");
        Services.AddSingleton(Monitor(store, state, "stats"));

        var section = Render<SourcesSection>();

        section.WaitForAssertion(() => Assert.NotEmpty(section.FindAll(".stats-queue-disconnected")));
        Assert.Contains("not connected to amqp://broker.example:5672/invenio: Broker unreachable", section.Find(".stats-queue-disconnected").TextContent);
        Assert.Contains("not connected", section.Find(".stats-pipeline-queue").TextContent);
        Assert.Contains("unknown", section.Find(".stats-pipeline-queue").TextContent);
    }

    [Fact]
    public async Task WithoutAQueueTheSectionShowsNoQueueAndSaysTheCatalogFollowsLifecycleEvents()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        Services.AddSingleton(new PipelineMonitor(store.Contexts, _clock, new AggregationMetrics(new TestMeterFactory())));

        var section = Render<SourcesSection>();

        section.WaitForAssertion(() => Assert.NotEmpty(section.FindAll(".stats-sources-none")));
        Assert.Empty(section.FindAll(".stats-pipeline-queue"));
    }

    private PipelineMonitor Monitor(TestStore store, AmqpSourceState state, string queue) =>
        new(store.Contexts, _clock, new AggregationMetrics(new TestMeterFactory()), state, Options.Create(new AmqpOptions { Uri = BrokerUri, Queue = queue }));

    private static async Task HoldAsync(TestStore store, int downloads)
    {
        await using var context = store.CreateContext();
        for (var i = 0; i < downloads; i++)
        {
            context.HeldEvents.Add(new HeldEvent
            {
                BucketId = $"bucket-{i}", EventId = $"event-{i}", Timestamp = Now.UtcDateTime, HeldAt = Now.UtcDateTime, Payload = "{}",
            });
        }

        await context.SaveChangesAsync(Cancellation);
    }
}
