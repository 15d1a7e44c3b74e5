using System.Diagnostics;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Stats.Core.Data;

namespace Stats.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project Stats.Benchmarks -- [--suite S] [--provider P --connection C] [--events N] [--quick]</c>:
/// ingestion throughput and memory, in process and over HTTP, or aggregation throughput and <c>/api/stats</c> latency,
/// on stores made for the run and deleted after it. Prints one JSON document on standard output; progress goes to
/// standard error.
/// </summary>
internal static class BenchmarkProgram
{
    private const long DefaultEvents = 5_000_000;
    private const long QuickEvents = 20_000;
    private const long DefaultAggregationEvents = 10_000_000;
    private const long QuickAggregationEvents = 100_000;
    private const long DefaultQueueMessages = 1_000_000;
    private const long QuickQueueMessages = 20_000;

    /// <summary>Pairs of runs without and with the visitor sources whose median ratio a full ingestion run reports.</summary>
    private const int SourcesPairs = 3;

    private const long DefaultSingleRequests = 100_000;

    private const long DefaultImportDocuments = 1_000_000;
    private const long DefaultAggregateDocuments = 2_000_000;
    private const long QuickAggregateDocuments = 20_000;
    private const long DefaultCatalogRecords = 100_000;
    private const long QuickCatalogRecords = 2_000;
    private const long DefaultScaleEvents = 1_000_000;
    private const long QuickScaleEvents = 20_000;

    private const string Usage = """
        usage: dotnet run -c Release --project Stats.Benchmarks -- [--suite ingestion|singles|aggregation|amqp|import|import-aggregates|embeds|catalog|investigation|scale]
                 [--provider Sqlite|PostgreSql] [--connection CONNECTION-STRING] [--amqp URI] [--events N] [--quick]
          --suite S        ingestion (default): ingestion throughput and memory;
                           singles: only the single-event HTTP requests (32 clients) of the ingestion suite;
                           aggregation: aggregation throughput and /api/stats latency on two stores of two years;
                           amqp: draining a pre-filled queue of invenio bodies, next to HTTP batches, and publish ->
                           stored latency at 5,000 events/s (needs --amqp);
                           import: invenio raw events from a gzip elasticdump against our own gzip NDJSON, same traffic;
                           import-aggregates: invenio-stats daily aggregate documents imported from a gzip dump;
                           embeds: embed, badge and 304 answers/s and latency with 32 clients (2,000 records, a year each);
                           catalog: a full OAI-PMH catalog sync (oai_datacite pages of 100) of 100,000 records;
                           investigation: the investigation page's queries (issue 15) on a store of 30 days;
                           scale: PostgreSQL only: load, aggregation, bytes on disk and /api/stats latency on two
                           stores of ten years (a tenth of --events and --events), projected to 100 and 200 million
          --amqp URI       amqp: a RabbitMQ broker the run may declare an exchange and queues of its own on
          --provider P     Sqlite (default): files in a temp folder; PostgreSql: databases on the --connection server
          --connection C   PostgreSql: a server the run may create databases on (e.g. Host=127.0.0.1;Username=postgres;
                           Password=...); each store is a new database, dropped at the end
          --events N       ingestion: events ingested in process (default 5,000,000; the HTTP runs scale with it);
                           singles: single-event requests (default 100,000);
                           aggregation: events of the larger store (default 10,000,000; the smaller has a tenth);
                           amqp: messages pre-filled (default 1,000,000);
                           import: documents in each file (default 1,000,000);
                           import-aggregates: documents in the dump (default 2,000,000);
                           investigation: events of the store (default 10,000,000);
                           scale: events of the larger store (default 1,000,000; the smaller has a tenth)
          --quick          a smoke run that checks the suite works, not its figures (ingestion: 20,000 events;
                           aggregation: stores of 10,000 and 100,000 events; amqp: 20,000 messages;
                           import and import-aggregates: 20,000 documents;
                           embeds: 200 records, 2 s per scenario;
                           catalog: 2,000 records; scale: stores of 2,000 and 20,000 events over 30 days)
        """;

    private static readonly JsonSerializerOptions s_json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static async Task<int> Main(string[] args)
    {
        if (!Options.TryParse(args, out var options, out var error))
        {
            Console.Error.WriteLine($"Stats.Benchmarks: {error}");
            Console.Error.WriteLine(Usage);
            return 2;
        }

        // Whatever the product or a library prints (the dashboard announces its URL) goes to stderr with the progress.
        var report = Console.Out;
        Console.SetOut(Console.Error);
        try
        {
            await using var stores = await BenchmarkStores.OpenAsync(options.Provider, options.Connection);
            var machine = MachineInfo.Collect(await stores.DescribeAsync());
            if (machine.BuildConfiguration != "Release" || !machine.ProductJitOptimized)
            {
                Progress.Log($"warning: built as {machine.BuildConfiguration}; the figures mean something only in Release (-c Release)");
            }

            object result = options.Suite switch
            {
                Options.Aggregation => await RunAggregationAsync(stores, machine, options),
                Options.Amqp => await AmqpDrainBenchmark.RunAsync(
                    stores, machine, options.Broker!, options.Events ?? (options.Quick ? QuickQueueMessages : DefaultQueueMessages), options.Quick),
                Options.Import => await ImportBenchmark.RunAsync(
                    stores, machine, options.Events ?? (options.Quick ? QuickEvents : DefaultImportDocuments), stores.Folder),
                Options.ImportAggregates => await ImportAggregatesBenchmark.RunAsync(
                    stores, options.Events ?? (options.Quick ? QuickAggregateDocuments : DefaultAggregateDocuments), machine),
                Options.Embeds => await EmbedsBenchmark.RunAsync(stores, machine, options.Quick),
                Options.Investigation => await InvestigationBenchmark.RunAsync(
                    stores, machine, options.Events ?? (options.Quick ? QuickEvents : 10_000_000), days: options.Quick ? 2 : 30, options.Quick),
                Options.Scale => await ScaleBenchmark.RunAsync(
                    stores, machine, options.Events ?? (options.Quick ? QuickScaleEvents : DefaultScaleEvents), options.Quick),
                Options.Singles => await RunSinglesAsync(stores, machine, options),
                Options.Catalog => await CatalogBenchmark.RunAsync(await stores.CreateAsync("catalog"), options.Quick ? QuickCatalogRecords : DefaultCatalogRecords, machine),
                _ => await RunIngestionAsync(stores, machine, options),
            };
            report.WriteLine(JsonSerializer.Serialize(result, s_json));
            return 0;
        }
        catch (BenchmarkSetupException ex)
        {
            Console.Error.WriteLine($"Stats.Benchmarks: {ex.Message}");
            return 1;
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"The benchmark failed: {ex}");
            return 1;
        }
    }

    private static async Task<BenchmarkReport> RunIngestionAsync(BenchmarkStores stores, MachineInfo machine, Options options)
    {
        var total = Stopwatch.StartNew();
        var events = options.Events ?? (options.Quick ? QuickEvents : DefaultEvents);
        // A smoke run keeps every run as small as still exercises it; the full run scales them with the in-process size.
        var warmupEvents = options.Quick ? 5_000 : Math.Clamp(events / 25, 20_000, 200_000);
        var httpBatchEvents = options.Quick
            ? 5 * HttpIngestBenchmark.BatchEvents
            : Math.Max(20_000, events / 10 / HttpIngestBenchmark.BatchEvents * HttpIngestBenchmark.BatchEvents);
        var httpSingleRequests = options.Quick ? 1_000 : Math.Max(5_000, events / 50);
        var settings = new RunSettings(options.Quick, events, warmupEvents, httpBatchEvents, httpSingleRequests, stores.Folder);
        Progress.Log($"{events:N0} events in process, {httpBatchEvents:N0} in HTTP batches, {httpSingleRequests:N0} single-event requests, on {machine.Store.Provider}");
        // Timestamps end a little before now: the ingestor rejects events from the future.
        var end = DateTimeOffset.UtcNow.AddMinutes(-2);

        // First, so that the process's working-set high-water mark is the ingestion's own.
        var ingestStore = await stores.CreateAsync("ingest");
        var ingest = await InProcessIngestBenchmark.RunAsync(ingestStore, events, warmupEvents, end);
        Progress.Log($"in-process: {ingest.EventsPerS:N0} events/s, peak working set {ingest.Memory.PeakWorkingSetMb} MB");

        // The same run without the organisation, referrer and agent-family enrichment (issue 15), on a store of its own,
        // then with it again: the first run also paid for compiling the code, so the ratio compares two runs that
        // both come after a whole run (measured: 0.54 against the first run, 0.76 with tiered compilation off). One
        // pair of ten-second runs moved by ±0.06 from run to run on a quiet machine, so a full run takes the median of
        // three pairs. Each store is deleted after its run, and each run starts after the disk writes before it are
        // flushed: with the stores kept, single 5 M-event pairs ranged from 0.71 to 1.08.
        var pairs = new List<(IngestRun Without, IngestRun With, double Ratio)>();
        for (var pair = 1; pair <= (options.Quick ? 1 : SourcesPairs); pair++)
        {
            var withoutStore = await stores.CreateAsync($"ingest-no-sources-{pair}");
            var without = await InProcessIngestBenchmark.RunAsync(withoutStore, events, warmupEvents, end, visitorSources: false);
            await stores.DropAsync(withoutStore);
            var withStore = await stores.CreateAsync($"ingest-sources-again-{pair}");
            var with = await InProcessIngestBenchmark.RunAsync(withStore, events, warmupEvents, end);
            await stores.DropAsync(withStore);
            pairs.Add((without, with, Math.Round(with.EventsPerS / (double)without.EventsPerS, 3)));
            Progress.Log($"in-process without visitor sources: {without.EventsPerS:N0} events/s ({CpuMicrosecondsPerEvent(without):F1} µs of CPU an event), " +
                $"with them again {with.EventsPerS:N0} ({CpuMicrosecondsPerEvent(with):F1} µs): {pairs[^1].Ratio} of that");
        }

        var (withoutSources, withSourcesAgain, sourcesRatio) = pairs.OrderBy(p => p.Ratio).ElementAt(pairs.Count / 2);

        Progress.Log("ceiling: loading the rows ingestion stored");
        var rows = await RawInsertCeilingBenchmark.LoadRowsAsync(ingestStore);
        var ceiling = await RawInsertCeilingBenchmark.RunAsync(await stores.CreateAsync("ceiling"), rows, rows.Count - (int)events);
        rows = null;
        Progress.Log($"ceiling: {ceiling.RowsPerS:N0} rows/s");

        var (batches, singles) = await HttpIngestBenchmark.RunAsync(await stores.CreateAsync("http"), httpBatchEvents, httpSingleRequests, end);
        Progress.Log($"http: {batches.EventsPerS:N0} events/s in batches, {singles.RequestsPerS:N0} single-event requests/s");

        var ratio = Math.Round(ingest.EventsPerS / (double)ceiling.RowsPerS, 3);
        return new BenchmarkReport(
            ceiling.RowsPerS, ingest.EventsPerS, ratio, batches.EventsPerS, singles.RequestsPerS,
            ingest.Memory.PeakWorkingSetMb, ingest.Memory.FinalWorkingSetMb,
            [
                new("ingest_vs_ceiling", ">= 0.40", ratio, ratio >= 0.40),
                new("ingest_with_vs_without_visitor_sources", ">= 0.90", sourcesRatio, sourcesRatio >= 0.90),
                new("ingest_in_process_events_per_s", ">= 150000 (40% of the ceiling the target assumed)", ingest.EventsPerS, ingest.EventsPerS >= 150_000),
                new("http_batch_events_per_s", ">= 50000", batches.EventsPerS, batches.EventsPerS >= 50_000),
                new("http_single_requests_per_s", ">= 5000", singles.RequestsPerS, singles.RequestsPerS >= 5_000),
                new("peak_working_set_mb", "< 400", ingest.Memory.PeakWorkingSetMb, ingest.Memory.PeakWorkingSetMb < 400),
            ],
            machine, settings, new Runs(
                ceiling, ingest, batches, singles, Math.Round(total.Elapsed.TotalSeconds, 1), withoutSources, withSourcesAgain, [.. pairs.Select(p => p.Ratio)]));
    }

    /// <summary>A run's process CPU time over its events: on a shared machine it moves much less than the rate.</summary>
    private static double CpuMicrosecondsPerEvent(IngestRun run) => run.Cost.CpuSeconds * 1e6 / run.Events;

    private static async Task<AggregationSuiteReport> RunAggregationAsync(BenchmarkStores stores, MachineInfo machine, Options options)
    {
        var total = Stopwatch.StartNew();
        var larger = options.Events ?? (options.Quick ? QuickAggregationEvents : DefaultAggregationEvents);
        long[] sizes = [larger / 10, larger];
        var end = DateTimeOffset.UtcNow.AddMinutes(-2);
        var runs = new List<AggregationStoreRun>();
        foreach (var size in sizes)
        {
            var store = await stores.CreateAsync($"aggregation-{size}");
            Progress.Log($"aggregation: building a store of {size:N0} events over {AggregationBenchmark.Days} days on {machine.Store.Provider}");
            var (ingestSeconds, popular) = await AggregationBenchmark.BuildStoreAsync(store, size, end);
            var aggregation = await AggregationBenchmark.RunAsync(store, size, ingestSeconds);
            var latency = await StatsLatencyBenchmark.RunAsync(store, popular, options.Quick);
            // After the latency figures, which stay those of the store as built.
            var steady = await AggregationBenchmark.SteadyStateAsync(store, Math.Clamp(size / 10, 10_000, 1_000_000), end);
            runs.Add(new AggregationStoreRun(aggregation, latency, steady));
            store.ClearPool();
        }

        return AggregationSuiteReport.From(runs, machine, Math.Round(total.Elapsed.TotalSeconds, 1));
    }

    private static async Task<SinglesSuiteReport> RunSinglesAsync(BenchmarkStores stores, MachineInfo machine, Options options)
    {
        var requests = options.Events ?? (options.Quick ? QuickEvents : DefaultSingleRequests);
        Progress.Log($"{requests:N0} single-event requests on {machine.Store.Provider}");
        var run = await HttpIngestBenchmark.RunSinglesAsync(await stores.CreateAsync("singles"), requests, DateTimeOffset.UtcNow.AddMinutes(-2));
        Progress.Log($"http: {run.RequestsPerS:N0} single-event requests/s, {run.Cost.CpuSeconds * 1e6 / run.Requests:F0} µs of this process's CPU a request");
        return new SinglesSuiteReport(run.RequestsPerS, Math.Round(run.Cost.CpuSeconds * 1e6 / run.Requests, 1), run, machine);
    }

    /// <summary>The command line, checked before anything runs.</summary>
    private sealed record Options(string Suite, DatabaseProvider Provider, string? Connection, long? Events, bool Quick, Uri? Broker = null)
    {
        public const string Ingestion = "ingestion";
        public const string Singles = "singles";
        public const string Aggregation = "aggregation";
        public const string Amqp = "amqp";
        public const string Import = "import";
        public const string ImportAggregates = "import-aggregates";
        public const string Embeds = "embeds";
        public const string Catalog = "catalog";
        public const string Investigation = "investigation";
        public const string Scale = "scale";

        public static bool TryParse(string[] args, out Options options, out string? error)
        {
            options = new Options(Ingestion, DatabaseProvider.Sqlite, null, null, false);
            for (var i = 0; i < args.Length; i++)
            {
                var value = i + 1 < args.Length ? args[i + 1] : null;
                switch (args[i])
                {
                    case "--quick":
                        options = options with { Quick = true };
                        continue;
                    case "--suite" when value is Ingestion or Singles or Aggregation or Amqp or Import or ImportAggregates or Embeds or Catalog or Investigation or Scale:
                        options = options with { Suite = value };
                        break;
                    case "--provider" when Enum.TryParse<DatabaseProvider>(value, ignoreCase: true, out var provider) &&
                        provider is DatabaseProvider.Sqlite or DatabaseProvider.PostgreSql && !int.TryParse(value, out _):
                        options = options with { Provider = provider };
                        break;
                    case "--connection" when !string.IsNullOrWhiteSpace(value):
                        options = options with { Connection = value };
                        break;
                    case "--events" when long.TryParse(value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var n) && n >= 10_000:
                        options = options with { Events = n };
                        break;
                    case "--amqp" when Uri.TryCreate(value, UriKind.Absolute, out var broker) && broker.Scheme is "amqp" or "amqps":
                        options = options with { Broker = broker };
                        break;
                    case "--suite" or "--provider" or "--connection" or "--events" or "--amqp":
                        error = $"{args[i]} {(value is null ? "needs a value" : $"does not take '{value}'")}.";
                        return false;
                    default:
                        error = $"unknown argument '{args[i]}'.";
                        return false;
                }

                i++;
            }

            error = (options.Provider, options.Connection) switch
            {
                (DatabaseProvider.PostgreSql, null) => "--provider PostgreSql needs --connection, a server the run may create databases on.",
                (DatabaseProvider.Sqlite, not null) => "--connection is for --provider PostgreSql; SQLite stores are files in a temp folder of the run's own.",
                (not DatabaseProvider.PostgreSql, _) when options.Suite == Scale => "--suite scale measures PostgreSQL's partitioned store: it needs --provider PostgreSql and --connection.",
                _ when options.Suite == Amqp && options.Broker is null => "--suite amqp needs --amqp, a RabbitMQ broker (e.g. amqp://guest:guest@127.0.0.1:5672/).",
                _ => null,
            };
            return error is null;
        }
    }
}
