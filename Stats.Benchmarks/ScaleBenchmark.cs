using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stats.Core.Aggregation;
using Stats.Core.Data;
using Stats.Core.Ingestion;

namespace Stats.Benchmarks;

/// <summary>What the scale suite measured on one store of ten years.</summary>
internal sealed record ScaleRun(
    long Events,
    int Days,
    int Partitions,
    double LoadSeconds,
    long LoadEventsPerS,
    double AggregationSeconds,
    long AggregationEventsPerS,
    long RawBytes,
    long AggregateBytes,
    double RawMbPerMillionEvents,
    double AggregateMbPerMillionEvents,
    IReadOnlyList<LatencyFigures> Latency,
    Cost LoadCost,
    Cost AggregationCost);

/// <summary>Load and aggregation time of a store size, from a straight line through the measured stores.</summary>
internal sealed record ScaleProjection(long Events, double LoadSeconds, double AggregationSeconds, double TotalSeconds, double RawGb, double AggregateGb);

/// <summary>The JSON document of the scale suite: the headline figures and targets first.</summary>
internal sealed record ScaleSuiteReport(
    IReadOnlyList<TargetCheck> Targets,
    IReadOnlyList<ScaleProjection> Projections,
    IReadOnlyList<ScaleRun> Stores,
    long PeakWorkingSetMb,
    MachineInfo Machine,
    double TotalSeconds);

/// <summary>
/// PostgreSQL at repository size (issue 13, ADR-017): stores of generated traffic over ten years, loaded through the
/// product's in-process ingestion (enrichment, catalog, duplicate check, a partition per month made on demand) and
/// aggregated by the product's aggregator (every day dirty, as after an import of the whole history). Per store: load
/// and aggregation time, bytes on disk per million events (raw events and aggregates, <c>pg_total_relation_size</c>), and
/// <c>POST /api/stats</c> latency for a record, a community over two years and the overview. Two stores, the larger ten
/// times the smaller, give the cost curve; a straight line through them projects the time and space of 100 and 200
/// million events.
/// </summary>
internal static class ScaleBenchmark
{
    public const int Days = 3_650;

    /// <summary>A smoke run's history: a month, so that it takes seconds (the aggregator's cost grows with the days too).</summary>
    public const int QuickDays = 30;

    private static readonly long[] s_projected = [100_000_000, 200_000_000];

    public static async Task<ScaleSuiteReport> RunAsync(BenchmarkStores stores, MachineInfo machine, long larger, bool quick)
    {
        if (stores.Provider != DatabaseProvider.PostgreSql)
        {
            throw new BenchmarkSetupException("--suite scale measures PostgreSQL's partitioned store: it needs --provider PostgreSql and --connection.");
        }

        var total = Stopwatch.StartNew();
        var days = quick ? QuickDays : Days;
        using var memory = new MemorySampler();
        var end = DateTimeOffset.UtcNow.AddMinutes(-2);
        var runs = new List<ScaleRun>();
        foreach (var size in new[] { larger / 10, larger })
        {
            var store = await stores.CreateAsync($"scale-{size}");
            runs.Add(await RunStoreAsync(store, size, days, end, quick));
            store.ClearPool();
        }

        var peakMb = (long)Units.Mb(Math.Max(memory.Peak, MemorySampler.ProcessPeakWorkingSet()));
        var projections = Project(runs[0], runs[1]);
        return new ScaleSuiteReport(Targets(runs, projections, peakMb), projections, runs, peakMb, machine, Math.Round(total.Elapsed.TotalSeconds, 1));
    }

    private static async Task<ScaleRun> RunStoreAsync(BenchmarkStore store, long events, int days, DateTimeOffset end, bool quick)
    {
        Progress.Log($"scale: loading {events:N0} events over {days} days through in-process ingestion");
        var (popular, loadCost) = await LoadAsync(store, events, days, end);
        var loadPerS = (long)(events / loadCost.Seconds);
        Progress.Log($"scale: loaded at {loadPerS:N0} events/s; now the aggregator over every day");

        await using (var host = await IngestionHost.StartAsync(store, aggregation: true))
        {
            var aggregationMeter = CostMeter.Start();
            var report = await host.Services.GetRequiredService<AggregationRunner>().RunAsync();
            var aggregationCost = aggregationMeter.Stop();
            if (report.Error is not null || !report.LeaseAcquired)
            {
                throw new InvalidOperationException($"The aggregator failed: {report.Error ?? "no lease"}");
            }

            var aggregationPerS = (long)(report.Events / aggregationMeter.Elapsed.TotalSeconds);
            Progress.Log($"scale: aggregated {report.Days.Count:N0} days at {aggregationPerS:N0} events/s");
            var (partitions, rawBytes, aggregateBytes) = await SizesAsync(host.Services.GetRequiredService<IDbContextFactory<StatsDbContext>>());
            var perMillion = events / 1_000_000.0;
            var latency = await StatsLatencyBenchmark.RunAsync(store, popular, quick);
            return new ScaleRun(
                events, days, partitions, loadCost.Seconds, loadPerS, aggregationCost.Seconds, aggregationPerS, rawBytes, aggregateBytes,
                Math.Round(Units.Mb(rawBytes) / perMillion, 1), Math.Round(Units.Mb(aggregateBytes) / perMillion, 1), latency, loadCost, aggregationCost);
        }
    }

    /// <summary>
    /// Publications first (the catalog: communities, owners, access; not timed, the same for every size), then the traffic
    /// in batches, timed, handed to the ingestor by as many concurrent callers as cores, as the history import keeps
    /// several batches in flight.
    /// </summary>
    private static async Task<(string MostPopularRecid, Cost Cost)> LoadAsync(BenchmarkStore store, long events, int days, DateTimeOffset end)
    {
        await using var host = await IngestionHost.StartAsync(store);
        var ingestor = host.Services.GetRequiredService<EventIngestor>();
        var generator = new TrafficGenerator(seed: 7, events, end, TimeSpan.FromDays(days));
        foreach (var batch in generator.Publications(InProcessIngestBenchmark.BatchSize))
        {
            await ingestor.IngestAsync(batch);
        }

        var meter = CostMeter.Start();
        var (_, _, rejected) = await InProcessIngestBenchmark.IngestAsync(ingestor, generator, events);
        if (rejected > 0)
        {
            throw new InvalidOperationException($"The ingestor rejected {rejected:N0} generated events.");
        }

        return (generator.MostPopularRecid, meter.Stop());
    }

    /// <summary>The raw events' partitions, and the bytes on disk (tables, indexes, TOAST) of raw events and of the daily aggregates.</summary>
    private static async Task<(int Partitions, long RawBytes, long AggregateBytes)> SizesAsync(IDbContextFactory<StatsDbContext> contexts)
    {
        await using var context = await contexts.CreateDbContextAsync();
        var partitions = (await RawEventPartitions.ListAsync(context)).Count;
        var raw = await context.Database.SqlQueryRaw<long>(
            "SELECT COALESCE(SUM(pg_total_relation_size(relid)), 0)::bigint AS \"Value\" FROM pg_partition_tree('\"RawEvents\"')").SingleAsync();
        var aggregates = await context.Database.SqlQueryRaw<long>(
            "SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0)::bigint AS \"Value\" FROM pg_class c " +
            "WHERE c.relkind = 'r' AND c.relnamespace = current_schema()::regnamespace AND c.relname LIKE '%DailyStats'").SingleAsync();
        return (partitions, raw, aggregates);
    }

    /// <summary>
    /// Time and bytes as a + b × events through the two stores, at 100 and 200 million events; where the line falls (the
    /// smaller store cost more per event than its size explains, as on a loaded machine), the larger store's cost per
    /// event times the events instead: never below what the largest store measured.
    /// </summary>
    private static List<ScaleProjection> Project(ScaleRun smaller, ScaleRun larger)
    {
        double At(double small, double large, long events) =>
            Math.Max(small + ((large - small) / (larger.Events - smaller.Events) * (events - smaller.Events)), large / larger.Events * events);

        return
        [
            .. s_projected.Select(events =>
            {
                var load = At(smaller.LoadSeconds, larger.LoadSeconds, events);
                var aggregation = At(smaller.AggregationSeconds, larger.AggregationSeconds, events);
                const double Gb = 1024.0 * 1024 * 1024;
                return new ScaleProjection(
                    events, Math.Round(load), Math.Round(aggregation), Math.Round(load + aggregation),
                    Math.Round(At(smaller.RawBytes, larger.RawBytes, events) / Gb, 1), Math.Round(At(smaller.AggregateBytes, larger.AggregateBytes, events) / Gb, 1));
            }),
        ];
    }

    private static List<TargetCheck> Targets(List<ScaleRun> runs, List<ScaleProjection> projections, long peakMb)
    {
        var (smaller, larger) = (runs[0], runs[1]);
        var targets = new List<TargetCheck>();
        var record = larger.Latency.Single(l => l.Query == "record");
        var community = larger.Latency.Single(l => l.Query == "community_two_years");
        targets.Add(new("record_p95_ms", "< 20", record.P95Ms, record.P95Ms < 20));
        targets.Add(new("community_two_years_p95_ms", "< 100", community.P95Ms, community.P95Ms < 100));
        foreach (var query in larger.Latency.Select(l => l.Query).Where(StatsLatencyBenchmark.StaysFlat))
        {
            var ratio = Math.Round(larger.Latency.Single(l => l.Query == query).P95Ms / smaller.Latency.Single(l => l.Query == query).P95Ms, 2);
            targets.Add(new($"{query}_p95_larger_vs_smaller_store", "<= 1.5", ratio, ratio <= 1.5));
        }

        targets.Add(new("peak_working_set_mb", "< 1024", peakMb, peakMb < 1024));
        var cds = projections.Single(p => p.Events == 200_000_000);
        targets.Add(new("projected_200m_load_and_aggregation_s", "< 3600", cds.TotalSeconds, cds.TotalSeconds < 3600));
        return targets;
    }
}
