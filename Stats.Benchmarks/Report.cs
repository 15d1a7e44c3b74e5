using System.Diagnostics;
using System.Reflection;
using System.Runtime;
using System.Runtime.InteropServices;
using Stats.Core.Ingestion;

namespace Stats.Benchmarks;

/// <summary>The one JSON document the benchmark prints: the headline figures first, then what they were measured on and from.</summary>
internal sealed record BenchmarkReport(
    long RawInsertCeilingRowsPerS,
    long IngestInProcessEventsPerS,
    double IngestVsCeiling,
    long HttpBatchEventsPerS,
    long HttpSingleRequestsPerS,
    double PeakWorkingSetMb,
    double FinalWorkingSetMb,
    IReadOnlyList<TargetCheck> Targets,
    MachineInfo Machine,
    RunSettings Settings,
    Runs Runs);

/// <summary>A figure against its target.</summary>
internal sealed record TargetCheck(string Figure, string Target, double Value, bool Met);

/// <summary>The size of the run.</summary>
internal sealed record RunSettings(bool Quick, long InProcessEvents, long WarmupEvents, long HttpBatchEvents, long HttpSingleRequests, string TempFolder);

/// <summary>Each run's counts and durations.</summary>
internal sealed record Runs(
    CeilingRun RawInsertCeiling, IngestRun IngestInProcess, HttpRun HttpBatch, HttpRun HttpSingle, double TotalSeconds,
    IngestRun? IngestInProcessWithoutSources = null, IngestRun? IngestInProcessWithSourcesAgain = null,
    IReadOnlyList<double>? VisitorSourcesRatios = null);

/// <summary>What the figures were measured on.</summary>
internal sealed record MachineInfo(
    int Cores,
    string? Cpu,
    double MemoryGb,
    string Os,
    string Runtime,
    string Architecture,
    string BuildConfiguration,
    bool ProductJitOptimized,
    string Gc,
    StoreInfo Store,
    double? HostLoad1mAtStart)
{
    public static MachineInfo Collect(StoreInfo store)
    {
        var configuration = typeof(MachineInfo).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "unknown";
        var productOptimized = typeof(EventIngestor).Assembly.GetCustomAttribute<DebuggableAttribute>()?.IsJITOptimizerDisabled != true;
        var gc = (GCSettings.IsServerGC ? "server" : "workstation") + (GCSettings.LatencyMode == GCLatencyMode.Batch ? "" : ", concurrent");
        return new MachineInfo(
            Environment.ProcessorCount, CpuModel(), Math.Round(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1e9, 1),
            RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription, RuntimeInformation.ProcessArchitecture.ToString(),
            configuration, productOptimized, gc, store, CostMeter.HostLoad());
    }

    private static string? CpuModel()
    {
        const string CpuInfo = "/proc/cpuinfo";
        return File.Exists(CpuInfo)
            ? File.ReadLines(CpuInfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
    }
}

internal static class Units
{
    public static double Mb(long bytes) => Math.Round(bytes / (1024.0 * 1024.0), 1);
}

/// <summary>One store of the aggregation suite: its aggregation run and the API's latency on it.</summary>
internal sealed record AggregationStoreRun(AggregationRun Aggregation, IReadOnlyList<LatencyFigures> Latency, SteadyStateRun SteadyState);

/// <summary>The JSON document of the aggregation suite: the headline figures and targets first.</summary>
internal sealed record AggregationSuiteReport(
    IReadOnlyList<TargetCheck> Targets,
    IReadOnlyList<AggregationStoreRun> Stores,
    MachineInfo Machine,
    double TotalSeconds)
{
    public static AggregationSuiteReport From(List<AggregationStoreRun> stores, MachineInfo machine, double totalSeconds)
    {
        var targets = new List<TargetCheck>();
        foreach (var store in stores)
        {
            var size = store.Aggregation.Events >= 1_000_000 ? $"{store.Aggregation.Events / 1_000_000.0:0.#}M" : $"{store.Aggregation.Events / 1_000.0:0.#}k";
            targets.Add(new($"aggregation_events_per_s_{size}", ">= 500000", store.Aggregation.AggregationEventsPerS, store.Aggregation.AggregationEventsPerS >= 500_000));
            targets.Add(new($"aggregation_vs_raw_group_by_{size}", "report", store.Aggregation.AggregationVsGroupBy, true));
            targets.Add(new($"aggregation_vs_floor_{size}", ">= 0.67", store.Aggregation.AggregationVsFloor, store.Aggregation.AggregationVsFloor >= 0.67));
            targets.Add(new($"rows_per_raw_event_{size}", "<= 1.2", store.Aggregation.RowsPerRawEvent, store.Aggregation.RowsPerRawEvent <= 1.2));
            targets.Add(new($"steady_state_events_per_s_{size}", ">= 500000", store.SteadyState.EventsPerS, store.SteadyState.EventsPerS >= 500_000));
            var record = store.Latency.Single(l => l.Query == "record");
            var community = store.Latency.Single(l => l.Query == "community_two_years");
            targets.Add(new($"record_p95_ms_{size}", "< 20", record.P95Ms, record.P95Ms < 20));
            targets.Add(new($"community_two_years_p95_ms_{size}", "< 100", community.P95Ms, community.P95Ms < 100));
            var overview = store.Latency.Single(l => l.Query == "overview_page_12_months");
            targets.Add(new($"overview_page_12_months_p95_ms_{size}", "< 50", overview.P95Ms, overview.P95Ms < 50));
        }

        if (stores.Count == 2)
        {
            foreach (var query in stores[0].Latency.Select(l => l.Query).Where(StatsLatencyBenchmark.StaysFlat))
            {
                var ratio = Math.Round(stores[1].Latency.Single(l => l.Query == query).P50Ms / stores[0].Latency.Single(l => l.Query == query).P50Ms, 2);
                targets.Add(new($"{query}_p50_larger_vs_smaller_store", "<= 1.5", ratio, ratio <= 1.5));
            }
        }

        return new AggregationSuiteReport(targets, stores, machine, totalSeconds);
    }
}

/// <summary>The singles suite: single-event requests/s, and the CPU of the benchmark process (client and dashboard, not the database) per request.</summary>
internal sealed record SinglesSuiteReport(long RequestsPerS, double ProcessCpuMicrosecondsPerRequest, HttpRun Run, MachineInfo Machine);
