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
        usage: dotnet run -c Release --project Stats.Benchmarks -- [--events N] [--quick]
          --events N   events ingested in process (default 5,000,000; the HTTP runs scale with it)
          --quick      a short smoke run (200,000 events unless --events says otherwise)
        """;

    private static readonly JsonSerializerOptions s_json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static async Task<int> Main(string[] args)
    {
        if (!TryParse(args, out var events, out var quick))
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }

        // Whatever the product or a library prints (the dashboard announces its URL) goes to stderr with the progress.
        var report = Console.Out;
        Console.SetOut(Console.Error);
        try
        {
            report.WriteLine(JsonSerializer.Serialize(await RunAsync(events, quick), s_json));
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

    private static bool TryParse(string[] args, out long events, out bool quick)
    {
        long? requested = null;
        quick = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    quick = true;
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
