using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Stats.Core.Ingestion;

namespace Stats.Benchmarks;

/// <summary>What the in-process ingestion run measured.</summary>
internal sealed record IngestRun(
    long Events,
    long CatalogWarmupEvents,
    long WarmupEvents,
    double WarmupSeconds,
    int BatchSize,
    int ConcurrentCallers,
    long Accepted,
    long Duplicates,
    long Rejected,
    double Seconds,
    long EventsPerS,
    double GeneratorNsPerEvent,
    double AllocatedBytesPerEvent,
    int Gen0Collections,
    int Gen1Collections,
    int Gen2Collections,
    MemoryFigures Memory,
    Cost Cost);

/// <summary>
/// Working set in MB: when the measured run started (after warm-up), the process's high-water mark, the highest sample
/// during the run, and at its end; and the managed heap at the end.
/// </summary>
internal sealed record MemoryFigures(double StartWorkingSetMb, double PeakWorkingSetMb, double SampledPeakWorkingSetMb, double FinalWorkingSetMb, double GcHeapMb);

/// <summary>
/// <see cref="EventIngestor.IngestAsync"/> with full enrichment on a fresh store: batches of generated live traffic
/// handed to the ingestor by a few concurrent callers, as concurrent API requests would.
/// </summary>
internal static class InProcessIngestBenchmark
{
    public const int BatchSize = 5_000;

    /// <summary>As many callers as cores: one enriches while the writer commits the other's batch.</summary>
    public static readonly int ConcurrentCallers = Math.Max(2, Environment.ProcessorCount);

    public static async Task<IngestRun> RunAsync(BenchmarkStore store, long events, long warmupEvents, DateTimeOffset end, bool visitorSources = true)
    {
        await using var host = await IngestionHost.StartAsync(store, visitorSources: visitorSources);
        var ingestor = host.Services.GetRequiredService<EventIngestor>();
        var generator = new TrafficGenerator(seed: 1, warmupEvents + events, end, TimeSpan.FromHours(47));
        var generatorNs = MeasureGenerator(end);

        Progress.Log($"in-process: warm-up: every file of the {TrafficGenerator.RecordCount:N0} records and each of the {TrafficGenerator.VisitorCount:N0} visitors once, then {warmupEvents:N0} events");
        var warmup = Stopwatch.StartNew();
        var catalogWarmup = 0L;
        foreach (var batch in generator.CatalogSweep(BatchSize))
        {
            catalogWarmup += (await ingestor.IngestAsync(batch)).Accepted;
        }

        await IngestAsync(ingestor, generator, warmupEvents);
        warmup.Stop();

        Progress.Log($"in-process: {events:N0} events in batches of {BatchSize:N0}, {ConcurrentCallers} concurrent callers");
        GC.Collect();
        BenchmarkStores.FlushDiskWrites();
        var gcBefore = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var startWorkingSet = MemorySampler.CurrentWorkingSet();
        using var sampler = new MemorySampler();
        var meter = CostMeter.Start();
        var (accepted, duplicates, rejected) = await IngestAsync(ingestor, generator, events);
        var cost = meter.Stop();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var memory = new MemoryFigures(
            Units.Mb(startWorkingSet), Units.Mb(MemorySampler.ProcessPeakWorkingSet()), Units.Mb(sampler.Peak), Units.Mb(MemorySampler.CurrentWorkingSet()), Units.Mb(GC.GetGCMemoryInfo().HeapSizeBytes));
        if (accepted + duplicates != events || rejected != 0)
        {
            throw new InvalidOperationException($"The ingestor stored {accepted:N0} and rejected {rejected:N0} of {events:N0} generated events.");
        }

        return new IngestRun(
            events, catalogWarmup, warmupEvents, Math.Round(warmup.Elapsed.TotalSeconds, 2), BatchSize, ConcurrentCallers, accepted, duplicates, rejected,
            cost.Seconds, (long)(events / meter.Elapsed.TotalSeconds), generatorNs,
            Math.Round(allocated / (double)events), GC.CollectionCount(0) - gcBefore.Item1, GC.CollectionCount(1) - gcBefore.Item2,
            GC.CollectionCount(2) - gcBefore.Item3, memory, cost);
    }

    /// <summary>Feeds <paramref name="count"/> generated events to the ingestor; generation runs ahead on its own task.</summary>
    internal static async Task<(long Accepted, long Duplicates, long Rejected)> IngestAsync(EventIngestor ingestor, TrafficGenerator generator, long count)
    {
        var batches = Channel.CreateBounded<IncomingEvent[]>(ConcurrentCallers);
        var producer = Task.Run(async () =>
        {
            for (var remaining = count; remaining > 0; remaining -= BatchSize)
            {
                await batches.Writer.WriteAsync(generator.Next((int)Math.Min(BatchSize, remaining)));
            }

            batches.Writer.Complete();
        });
        long accepted = 0, duplicates = 0, rejected = 0;
        var callers = Enumerable.Range(0, ConcurrentCallers).Select(_ => Task.Run(async () =>
        {
            try
            {
                await foreach (var batch in batches.Reader.ReadAllAsync())
                {
                    var result = await ingestor.IngestAsync(batch);
                    Interlocked.Add(ref accepted, result.Accepted);
                    Interlocked.Add(ref duplicates, result.Duplicates);
                    Interlocked.Add(ref rejected, result.Rejected.Count);
                }
            }
            catch (Exception ex)
            {
                // Stop the producer too, or it waits forever for room in the channel.
                batches.Writer.TryComplete(ex);
                throw;
            }
        }));
        await Task.WhenAll([producer, .. callers]);
        return (accepted, duplicates, rejected);
    }

    /// <summary>What generating the traffic costs per event, so that it can be told apart from the ingestor's own cost.</summary>
    private static double MeasureGenerator(DateTimeOffset end)
    {
        const int Count = 200_000;
        var generator = new TrafficGenerator(seed: 99, Count, end, TimeSpan.FromHours(1));
        generator.Next(Count / 4);
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < Count; i += BatchSize)
        {
            generator.Next(BatchSize);
        }

        return Math.Round(stopwatch.Elapsed.TotalNanoseconds / Count);
    }
}
