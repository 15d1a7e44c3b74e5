using System.Diagnostics;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Stats.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project Stats.Benchmarks -- [--events N] [--quick]</c>: ingestion throughput and memory,
/// in process and over HTTP, against fresh SQLite files in a temp folder. Prints one JSON document on standard output;
/// progress goes to standard error.
/// </summary>
internal static class BenchmarkProgram
{
    private const long DefaultEvents = 5_000_000;
    private const long QuickEvents = 200_000;

    private const string Usage = """
        usage: dotnet run -c Release --project Stats.Benchmarks -- [--suite ingestion|aggregation] [--events N] [--quick]
          --suite S    ingestion (default): ingestion throughput and memory;
                       aggregation: aggregation throughput and /api/stats latency on stores of 1 and 10 million events
          --events N   ingestion: events ingested in process (default 5,000,000; the HTTP runs scale with it)
          --quick      a short smoke run (ingestion: 200,000 events; aggregation: stores of 100,000 and 1,000,000 events)
        """;

    private static readonly JsonSerializerOptions s_json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static async Task<int> Main(string[] args)
    {
        if (!TryParse(args, out var events, out var quick, out var suite))
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }

        // Whatever the product or a library prints (the dashboard announces its URL) goes to stderr with the progress.
        var report = Console.Out;
        Console.SetOut(Console.Error);
        try
        {
            object result = suite == "aggregation" ? await RunAggregationAsync(quick) : await RunAsync(events, quick);
            report.WriteLine(JsonSerializer.Serialize(result, s_json));
            return 0;
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"The benchmark failed: {ex}");
            return 1;
        }
    }

    private static async Task<BenchmarkReport> RunAsync(long events, bool quick)
    {
        var total = Stopwatch.StartNew();
        using var scratch = new ScratchFolder();
        var machine = MachineInfo.Collect(scratch.Path);
        if (machine.BuildConfiguration != "Release" || !machine.ProductJitOptimized)
        {
            Progress.Log($"warning: built as {machine.BuildConfiguration}; the figures mean something only in Release (-c Release)");
        }

        var warmupEvents = Math.Clamp(events / 25, 20_000, 200_000);
        var httpBatchEvents = Math.Max(20_000, events / 10 / HttpIngestBenchmark.BatchEvents * HttpIngestBenchmark.BatchEvents);
        var httpSingleRequests = Math.Max(5_000, events / 50);
        var settings = new RunSettings(quick, events, httpBatchEvents, httpSingleRequests, scratch.Path);
        Progress.Log($"{events:N0} events in process, {httpBatchEvents:N0} in HTTP batches, {httpSingleRequests:N0} single-event requests; files in {scratch.Path}");
        // Timestamps end a little before now: the ingestor rejects events from the future.
        var end = DateTimeOffset.UtcNow.AddMinutes(-2);

        // First, so that the process's working-set high-water mark is the ingestion's own.
        var ingestPath = scratch.Database("ingest");
        var ingest = await InProcessIngestBenchmark.RunAsync(ingestPath, events, warmupEvents, end);
        Progress.Log($"in-process: {ingest.EventsPerS:N0} events/s, peak working set {ingest.Memory.PeakWorkingSetMb} MB");

        Progress.Log("ceiling: loading the rows ingestion stored");
        var rows = await RawSqliteCeilingBenchmark.LoadRowsAsync(ingestPath);
        var ceiling = await RawSqliteCeilingBenchmark.RunAsync(scratch.Database("ceiling"), rows, rows.Count - (int)events);
        rows = null;
        Progress.Log($"ceiling: {ceiling.RowsPerS:N0} rows/s");

        var (batches, singles) = await HttpIngestBenchmark.RunAsync(scratch.Database("http"), httpBatchEvents, httpSingleRequests, end);
        Progress.Log($"http: {batches.EventsPerS:N0} events/s in batches, {singles.RequestsPerS:N0} single-event requests/s");

        var ratio = Math.Round(ingest.EventsPerS / (double)ceiling.RowsPerS, 3);
        return new BenchmarkReport(
            ceiling.RowsPerS, ingest.EventsPerS, ratio, batches.EventsPerS, singles.RequestsPerS,
            ingest.Memory.PeakWorkingSetMb, ingest.Memory.FinalWorkingSetMb,
            [
                new("ingest_vs_ceiling", ">= 0.40", ratio, ratio >= 0.40),
                new("ingest_in_process_events_per_s", ">= 150000 (40% of the ceiling the target assumed)", ingest.EventsPerS, ingest.EventsPerS >= 150_000),
                new("http_batch_events_per_s", ">= 50000", batches.EventsPerS, batches.EventsPerS >= 50_000),
                new("http_single_requests_per_s", ">= 5000", singles.RequestsPerS, singles.RequestsPerS >= 5_000),
                new("peak_working_set_mb", "< 400", ingest.Memory.PeakWorkingSetMb, ingest.Memory.PeakWorkingSetMb < 400),
            ],
            machine, settings, new Runs(ceiling, ingest, batches, singles, Math.Round(total.Elapsed.TotalSeconds, 1)));
    }

    private static async Task<AggregationSuiteReport> RunAggregationAsync(bool quick)
    {
        var total = Stopwatch.StartNew();
        using var scratch = new ScratchFolder();
        var machine = MachineInfo.Collect(scratch.Path);
        if (machine.BuildConfiguration != "Release" || !machine.ProductJitOptimized)
        {
            Progress.Log($"warning: built as {machine.BuildConfiguration}; the figures mean something only in Release (-c Release)");
        }

        long[] sizes = quick ? [100_000, 1_000_000] : [1_000_000, 10_000_000];
        var end = DateTimeOffset.UtcNow.AddMinutes(-2);
        var stores = new List<AggregationStoreRun>();
        foreach (var size in sizes)
        {
            var path = scratch.Database($"aggregation-{size}");
            Progress.Log($"aggregation: building a store of {size:N0} events over {AggregationBenchmark.Days} days");
            var (ingestSeconds, popular) = await AggregationBenchmark.BuildStoreAsync(path, size, end);
            var aggregation = await AggregationBenchmark.RunAsync(path, size, ingestSeconds);
            var latency = await StatsLatencyBenchmark.RunAsync(path, popular);
            stores.Add(new AggregationStoreRun(aggregation, latency));
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }

        return AggregationSuiteReport.From(stores, machine, Math.Round(total.Elapsed.TotalSeconds, 1));
    }

    private static bool TryParse(string[] args, out long events, out bool quick, out string suite)
    {
        long? requested = null;
        quick = false;
        suite = "ingestion";
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    quick = true;
                    break;
                case "--suite" when i + 1 < args.Length && args[i + 1] is "ingestion" or "aggregation":
                    suite = args[++i];
                    break;
                case "--events" when i + 1 < args.Length && long.TryParse(args[i + 1], NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var n) && n >= 10_000:
                    requested = n;
                    i++;
                    break;
                default:
                    events = 0;
                    return false;
            }
        }

        events = requested ?? (quick ? QuickEvents : DefaultEvents);
        return true;
    }
}
