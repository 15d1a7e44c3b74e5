using System.Diagnostics;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stats.Core.Data;

namespace Stats.Benchmarks;

/// <summary>One scenario of the embeds suite: answers per second with 32 clients, latency percentiles, answer size.</summary>
internal sealed record EmbedScenario(string Name, long Answers, double Seconds, double AnswersPerS, double P50Ms, double P95Ms, double MaxMs, int Bytes);

/// <summary>The JSON document of the embeds suite.</summary>
internal sealed record EmbedsSuiteReport(
    IReadOnlyList<TargetCheck> Targets, IReadOnlyList<EmbedScenario> Scenarios, int Records, int DaysPerRecord, int Clients, MachineInfo Machine, double TotalSeconds);

/// <summary>
/// The embeds and badges under load, as a repository whose record pages all carry one: the real dashboard (Production) on
/// loopback, records with a year of daily aggregates, 32 clients each asking in turn for the embed (or badge) of the next
/// record. Three scenarios per answer kind: as served (the answer cache on, as in production), every answer computed
/// (<c>Stats:Embeds:CacheSeconds</c> 0: one aggregate query each), and revalidations (<c>If-None-Match</c>, 304).
/// </summary>
internal static class EmbedsBenchmark
{
    public const int Clients = 32;

    /// <summary>The least warm-up of a scenario: the JIT, the connections and (for 304s) the tags to send back.</summary>
    private const int WarmUpAnswers = Clients * 4;

    public static async Task<EmbedsSuiteReport> RunAsync(BenchmarkStores stores, MachineInfo machine, bool quick)
    {
        var total = Stopwatch.StartNew();
        var (records, days, seconds) = quick ? (200, 30, 2.0) : (2_000, 365, 15.0);
        var store = await stores.CreateAsync("embeds");
        var recids = await SeedAsync(store, records, days);
        var scenarios = new List<EmbedScenario>();
        foreach (var cached in new[] { true, false })
        {
            await using var dashboard = new DashboardHost(store, cached ? null : new Dictionary<string, string?> { ["Stats:Embeds:CacheSeconds"] = "0" });
            var address = dashboard.Start();
            using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Clients, AutomaticDecompression = DecompressionMethods.None })
            {
                BaseAddress = address,
            };
            var suffix = cached ? "" : "_uncached";
            // As served, every record has been asked for once before (a record page carries its embed); computed, the
            // warm-up only needs the JIT and the connections.
            var warmUp = cached ? Math.Max(recids.Length, WarmUpAnswers) : WarmUpAnswers;
            scenarios.Add(await RunScenarioAsync(client, $"embed{suffix}", i => $"/embed/records/{recids[i % recids.Length]}", warmUp, seconds, revalidate: false));
            scenarios.Add(await RunScenarioAsync(client, $"badge{suffix}", i => $"/badge/records/{recids[i % recids.Length]}/downloads.svg", warmUp, seconds, revalidate: false));
            if (cached)
            {
                scenarios.Add(await RunScenarioAsync(client, "embed_304", i => $"/embed/records/{recids[i % recids.Length]}", WarmUpAnswers, seconds, revalidate: true));
            }

            store.ClearPool();
        }

        var embed = scenarios.Single(s => s.Name == "embed");
        var badge = scenarios.Single(s => s.Name == "badge");
        var notModified = scenarios.Single(s => s.Name == "embed_304");
        TargetCheck[] targets =
        [
            new("embed_bytes", "<= 20480", embed.Bytes, embed.Bytes <= 20_480),
            new("embed_answers_per_s", ">= 2000", embed.AnswersPerS, embed.AnswersPerS >= 2_000),
            new("embed_p95_ms", "< 20", embed.P95Ms, embed.P95Ms < 20),
            new("badge_answers_per_s", ">= 2000", badge.AnswersPerS, badge.AnswersPerS >= 2_000),
            new("badge_p95_ms", "< 20", badge.P95Ms, badge.P95Ms < 20),
            new("embed_304_answers_per_s", ">= 5000", notModified.AnswersPerS, notModified.AnswersPerS >= 5_000),
        ];
        return new EmbedsSuiteReport(targets, scenarios, records, days, Clients, machine, Math.Round(total.Elapsed.TotalSeconds, 1));
    }

    /// <summary>Records with daily usage on every day of the last <paramref name="days"/> (this version and its concept).</summary>
    private static async Task<string[]> SeedAsync(BenchmarkStore store, int records, int days)
    {
        Progress.Log($"embeds: seeding {records:N0} records with {days} days of aggregates");
        // A host migrates the store on start; it is disposed before the measured ones start.
        await using var host = new DashboardHost(store);
        host.Start();
        var contexts = host.Services.GetRequiredService<IDbContextFactory<StatsDbContext>>();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var recids = Enumerable.Range(0, records).Select(i => $"embed-{i:D5}").ToArray();
        var random = new Random(14);
        foreach (var chunk in recids.Chunk(100))
        {
            await using var context = await contexts.CreateDbContextAsync();
            var rows = chunk.Select(recid => new Record { ExternalId = recid, ParentExternalId = recid + "-c", Title = recid }).ToList();
            var labels = chunk.Select(recid => new Label { Kind = LabelKind.Concept, Value = recid + "-c" }).ToList();
            context.Records.AddRange(rows);
            context.Labels.AddRange(labels);
            await context.SaveChangesAsync();
            foreach (var (scope, id) in rows.Select(r => (StatScope.Record, r.Id)).Concat(labels.Select(l => (StatScope.Concept, l.Id))))
            {
                for (var d = 0; d < days; d++)
                {
                    var views = random.Next(0, 200);
                    var downloads = random.Next(0, 50);
                    context.UsageDailyStats.Add(new UsageDailyStat
                    {
                        Scope = scope, ScopeId = id, Day = today.AddDays(-d), AccessMethod = AccessMethod.Regular,
                        Views = views, UniqueViews = views / 2, Downloads = downloads, UniqueDownloads = downloads / 2,
                        Investigations = views + downloads, UniqueInvestigations = (views + downloads) / 2, Volume = downloads * 100_000L,
                    });
                }
            }

            await context.SaveChangesAsync();
        }

        store.ClearPool();
        return recids;
    }

    private static async Task<EmbedScenario> RunScenarioAsync(
        HttpClient client, string name, Func<int, string> path, int warmUp, double seconds, bool revalidate)
    {
        Progress.Log($"embeds: {name} (warm-up: {warmUp:N0} answers)");
        // Warm-up, not measured, by as many clients as the measured run; 304s revalidate the first answers seen here.
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        var bytes = 0;
        var warmed = -1;
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(async _ =>
        {
            for (var i = Interlocked.Increment(ref warmed); i < warmUp; i = Interlocked.Increment(ref warmed))
            {
                using var response = await client.GetAsync(new Uri(path(i), UriKind.Relative));
                var body = await response.Content.ReadAsByteArrayAsync();
                EnsureOk(response, HttpStatusCode.OK);
                var tag = response.Headers.ETag?.Tag ?? throw new InvalidOperationException($"{path(i)} has no ETag.");
                lock (tags)
                {
                    bytes = Math.Max(bytes, body.Length);
                    tags[path(i)] = tag;
                }
            }
        }));

        var stop = Stopwatch.StartNew();
        var next = -1;
        var latencies = new List<double>[Clients];
        var workers = Enumerable.Range(0, Clients).Select(async worker =>
        {
            var times = latencies[worker] = new List<double>(4096);
            while (stop.Elapsed.TotalSeconds < seconds)
            {
                // 304s revalidate answers warmed up above; the others walk through every record.
                var i = Interlocked.Increment(ref next);
                var target = path(revalidate ? i % WarmUpAnswers : i);
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(target, UriKind.Relative));
                if (revalidate)
                {
                    request.Headers.TryAddWithoutValidation("If-None-Match", tags[target]);
                }

                var watch = Stopwatch.StartNew();
                using var response = await client.SendAsync(request);
                await response.Content.ReadAsByteArrayAsync();
                times.Add(watch.Elapsed.TotalMilliseconds);
                EnsureOk(response, revalidate ? HttpStatusCode.NotModified : HttpStatusCode.OK);
            }
        }).ToList();
        await Task.WhenAll(workers);
        var elapsed = stop.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new EmbedScenario(
            name, all.Length, Math.Round(elapsed, 2), Math.Round(all.Length / elapsed), Round(all[all.Length / 2]), Round(all[(int)(all.Length * 0.95)]), Round(all[^1]), bytes);
    }

    private static void EnsureOk(HttpResponseMessage response, HttpStatusCode expected)
    {
        if (response.StatusCode != expected)
        {
            throw new InvalidOperationException($"GET {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}, not {(int)expected}.");
        }
    }

    private static double Round(double value) => Math.Round(value, 2);
}
