using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Stats.Core.Access;

namespace Stats.Benchmarks;

/// <summary>What one HTTP run measured. Latencies are per request, from sending to the whole answer read.</summary>
internal sealed record HttpRun(
    long Requests,
    int EventsPerRequest,
    long Events,
    int Clients,
    long WarmupRequests,
    long Accepted,
    long Duplicates,
    double Seconds,
    long EventsPerS,
    long RequestsPerS,
    double LatencyP50Ms,
    double LatencyP99Ms,
    double MeanRequestKb,
    Cost Cost);

/// <summary>
/// <c>POST /api/events</c> on the real dashboard over loopback, with a real API key: batches from a few clients, and
/// single-event requests from many. Bodies are serialized before the clock starts, so that the client's JSON
/// writing does not compete with the server for the cores; reading and checking each answer does.
/// </summary>
internal static class HttpIngestBenchmark
{
    public const int BatchEvents = 1_000;
    public const int BatchClients = 4;
    public const int SingleClients = 32;

    private static readonly MediaTypeHeaderValue s_json = new("application/json");

    public static async Task<(HttpRun Batches, HttpRun Singles)> RunAsync(
        BenchmarkStore store, long batchEvents, long singleRequests, DateTimeOffset end)
    {
        await using var dashboard = new DashboardHost(store);
        var address = dashboard.Start();
        var (_, key) = await dashboard.Services.GetRequiredService<ApiKeyService>().CreateAsync("benchmark", [ApiScopes.Ingest]);
        Progress.Log($"http: dashboard listening on {address}");

        var batchRequests = (int)(batchEvents / BatchEvents);
        var warmupBatches = Math.Max(5, batchRequests / 20);
        var warmupSingles = Math.Max(500, (int)(singleRequests / 20));
        // One feed for both runs, so that timestamps keep advancing and event ids stay unique.
        var generator = new TrafficGenerator(seed: 2, ((warmupBatches + batchRequests) * (long)BatchEvents) + warmupSingles + singleRequests, end, TimeSpan.FromHours(47));

        using var batchClient = Client(address, key, BatchClients);
        Progress.Log($"http: warm-up: every file of the {TrafficGenerator.RecordCount:N0} records and each of the {TrafficGenerator.VisitorCount:N0} visitors once, then {warmupBatches:N0} batches");
        await DriveAsync(batchClient, [.. generator.CatalogSweep(BatchEvents).Select(EventJson.Array)], BatchClients);
        Progress.Log($"http: serializing {warmupBatches + batchRequests:N0} batches of {BatchEvents:N0} events");
        var batchBodies = Bodies(generator, warmupBatches + batchRequests, BatchEvents);
        await DriveAsync(batchClient, batchBodies[..warmupBatches], BatchClients);
        Progress.Log($"http: {batchRequests:N0} batches of {BatchEvents:N0} events, {BatchClients} clients");
        var batches = Summarize(await DriveAsync(batchClient, batchBodies[warmupBatches..], BatchClients), BatchEvents, warmupBatches);
        batchBodies = [];

        Progress.Log($"http: serializing {warmupSingles + singleRequests:N0} single-event requests");
        var singleBodies = Bodies(generator, warmupSingles + (int)singleRequests, 1);
        using var singleClient = Client(address, key, SingleClients);
        Progress.Log($"http: warm-up with {warmupSingles:N0} single-event requests");
        await DriveAsync(singleClient, singleBodies[..warmupSingles], SingleClients);
        Progress.Log($"http: {singleRequests:N0} single-event requests, {SingleClients} clients");
        var singles = Summarize(await DriveAsync(singleClient, singleBodies[warmupSingles..], SingleClients), 1, warmupSingles);
        return (batches, singles);
    }

    /// <summary>
    /// Only the single-event requests, after the same warm-up (and a token batch run): the figure group commit is for
    /// (issue 13: 5,000 requests/s with 32 clients), in a run short enough to repeat in A/B pairs.
    /// </summary>
    public static async Task<HttpRun> RunSinglesAsync(BenchmarkStore store, long singleRequests, DateTimeOffset end) =>
        (await RunAsync(store, 5 * BatchEvents, singleRequests, end)).Singles;

    private static byte[][] Bodies(TrafficGenerator generator, int requests, int eventsPerRequest)
    {
        var bodies = new byte[requests][];
        for (var i = 0; i < requests; i++)
        {
            bodies[i] = EventJson.Array(generator.Next(eventsPerRequest));
        }

        return bodies;
    }

    private static HttpClient Client(Uri address, string key, int connections)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseCookies = false,
            UseProxy = false,
        };
        var client = new HttpClient(handler) { BaseAddress = address, Timeout = TimeSpan.FromMinutes(5) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private sealed record Drive(int Requests, int Clients, long Accepted, long Duplicates, Cost Cost, double[] LatenciesMs, long BodyBytes);

    /// <summary>Sends every body once, <paramref name="clients"/> requests in flight at a time, and checks every answer.</summary>
    private static async Task<Drive> DriveAsync(HttpClient client, byte[][] bodies, int clients)
    {
        var endpoint = new Uri("/api/events", UriKind.Relative);
        var latencies = new double[bodies.Length];
        var next = -1;
        long accepted = 0, duplicates = 0;
        var meter = CostMeter.Start();
        var senders = Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < bodies.Length)
            {
                using var content = new ByteArrayContent(bodies[i]);
                content.Headers.ContentType = s_json;
                var sent = Stopwatch.GetTimestamp();
                using var response = await client.PostAsync(endpoint, content);
                var answer = await response.Content.ReadAsByteArrayAsync();
                latencies[i] = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"POST /api/events answered {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(answer)}");
                }

                using var document = JsonDocument.Parse(answer);
                var root = document.RootElement;
                if (root.GetProperty("rejected").GetArrayLength() > 0)
                {
                    throw new InvalidOperationException($"POST /api/events rejected events: {System.Text.Encoding.UTF8.GetString(answer)}");
                }

                Interlocked.Add(ref accepted, root.GetProperty("accepted").GetInt32());
                Interlocked.Add(ref duplicates, root.GetProperty("duplicates").GetInt32());
            }
        }));
        await Task.WhenAll(senders);
        return new Drive(bodies.Length, clients, accepted, duplicates, meter.Stop(), latencies, bodies.Sum(b => (long)b.Length));
    }

    private static HttpRun Summarize(Drive drive, int eventsPerRequest, int warmupRequests)
    {
        var events = (long)drive.Requests * eventsPerRequest;
        if (drive.Accepted + drive.Duplicates != events)
        {
            throw new InvalidOperationException($"The dashboard acknowledged {drive.Accepted + drive.Duplicates:N0} of {events:N0} events.");
        }

        var sorted = drive.LatenciesMs.Order().ToArray();
        var seconds = drive.Cost.Seconds;
        return new HttpRun(
            drive.Requests, eventsPerRequest, events, drive.Clients, warmupRequests, drive.Accepted, drive.Duplicates, seconds,
            (long)(events / seconds), (long)(drive.Requests / seconds), Math.Round(Percentile(sorted, 0.50), 2), Math.Round(Percentile(sorted, 0.99), 2),
            Math.Round(drive.BodyBytes / 1024.0 / drive.Requests, 2), drive.Cost);
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
}
