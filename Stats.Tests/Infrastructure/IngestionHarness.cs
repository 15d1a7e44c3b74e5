using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Stats.Core.Aggregation;
using Stats.Core.Enrichment;
using Stats.Core.Events;
using Stats.Core.Ingestion;
using Stats.Core.Retention;

namespace Stats.Tests.Infrastructure;

/// <summary>The product's ingestion path over a test store, with the shipped reference data and a fake clock.</summary>
public sealed class IngestionHarness : IAsyncDisposable
{
    /// <summary>The clock's default "now": a fixed instant, so that nothing depends on when the tests run.</summary>
    public static readonly DateTimeOffset DefaultNow = new(2024, 6, 20, 9, 0, 0, TimeSpan.Zero);

    /// <param name="retention">Off unless given: most tests ingest fixed dates of any age and are not about retention.</param>
    public IngestionHarness(
        TestStore store, DateTimeOffset? now = null, IngestionOptions? options = null, EventTypeOptions? types = null, RetentionOptions? retention = null)
    {
        Store = store;
        Clock = new FakeTimeProvider(now ?? DefaultNow);
        Salts = new DailySaltStore(store.Contexts, Clock, Options.Create(new PrivacyOptions()));
        Writer = new EventWriter(store.Contexts, Clock, NullLogger<EventWriter>.Instance);
        Types = new EventTypeRegistry(Options.Create(types ?? new EventTypeOptions()), store.Contexts);
        _options = options ?? new IngestionOptions();
        _retention = retention ?? new RetentionOptions { RawEventMaxAgeDays = 0 };
        Ingestor = CreateIngestor(Writer);
        Aggregator = CreateAggregator();
    }

    private readonly IngestionOptions _options;
    private readonly RetentionOptions _retention;

    public TestStore Store { get; }

    public FakeTimeProvider Clock { get; }

    public DailySaltStore Salts { get; }

    public EventWriter Writer { get; }

    public EventTypeRegistry Types { get; }

    public EventIngestor Ingestor { get; }

    /// <summary>What the harness's aggregators publish after writing.</summary>
    public AggregateChangeNotifier Notifier { get; } = new(NullLogger<AggregateChangeNotifier>.Instance);

    /// <summary>The aggregator over the same store and clock.</summary>
    public AggregationRunner Aggregator { get; }

    /// <summary>Another aggregator over the same store: another instance, as far as the lease is concerned.</summary>
    public AggregationRunner CreateAggregator(AggregationOptions? options = null) =>
        new(Store.Contexts, Clock, Options.Create(options ?? new AggregationOptions()), new AggregationMetrics(new TestMeterFactory()),
            Notifier, NullLogger<AggregationRunner>.Instance);

    /// <summary>Aggregates every dirty day, and fails the test if the run failed.</summary>
    public async Task<AggregationReport> AggregateAsync()
    {
        var report = await Aggregator.RunAsync(TestContext.Current.CancellationToken);
        Assert.True(report.LeaseAcquired, "The aggregator did not get the lease.");
        Assert.True(report.Error is null, report.Error);
        return report;
    }

    /// <summary>
    /// An ingestor with this harness's settings, clock and salts writing through <paramref name="writer"/>: another
    /// instance's, or this one's with other <paramref name="sources"/> (the shipped ones unless given).
    /// </summary>
    public EventIngestor CreateIngestor(EventWriter writer, VisitorSources? sources = null) =>
        new(writer, Types, ShippedReferenceData.Classifier, ShippedReferenceData.Countries, Salts, Options.Create(_options), Options.Create(_retention), Clock,
            sources ?? ShippedReferenceData.Sources);

    /// <summary>Ingests a batch, as the API would.</summary>
    public Task<IngestResult> IngestAsync(params IncomingEvent[] events) =>
        Ingestor.IngestAsync(events, TestContext.Current.CancellationToken);

    public ValueTask DisposeAsync() => Writer.DisposeAsync();
}
