using Microsoft.Extensions.Time.Testing;
using Stats.Core.Ingestion;

namespace Stats.Tests.Infrastructure;

/// <summary>The product's ingestion path over a test store, with the shipped reference data and a fake clock.</summary>
public sealed class IngestionHarness : IDisposable
{
    /// <summary>The clock's default "now": a fixed instant, so that nothing depends on when the tests run.</summary>
    public static readonly DateTimeOffset DefaultNow = new(2024, 6, 20, 9, 0, 0, TimeSpan.Zero);

    public IngestionHarness(TestStore store, DateTimeOffset? now = null)
    {
        Store = store;
        Clock = new FakeTimeProvider(now ?? DefaultNow);
        Salts = new DailySaltStore(store.Contexts, Clock);
        Ingestor = new EventIngestor(store.Contexts, ShippedReferenceData.Classifier, ShippedReferenceData.Countries, Salts, Clock);
    }

    public TestStore Store { get; }

    public FakeTimeProvider Clock { get; }

    public DailySaltStore Salts { get; }

    public EventIngestor Ingestor { get; }

    /// <summary>Ingests a batch, as the API would.</summary>
    public Task<IngestResult> IngestAsync(params IncomingEvent[] events) =>
        Ingestor.IngestAsync(events, TestContext.Current.CancellationToken);

    public void Dispose() => Ingestor.Dispose();
}
