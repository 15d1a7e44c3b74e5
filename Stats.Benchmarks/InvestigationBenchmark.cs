using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Stats.Core.Ingestion;
using Stats.Core.Investigation;

namespace Stats.Benchmarks;

/// <summary>The investigation suite's answer: the store it measured and each query's latency.</summary>
internal sealed record InvestigationSuiteReport(long Events, int Days, double BuildSeconds, IReadOnlyList<LatencyFigures> Queries, IReadOnlyList<TargetCheck> Targets, MachineInfo Machine);

/// <summary>
/// The investigation page's queries (issue 15) on a store of generated traffic dense in time, as a store within its
/// retention window is: the most popular record over one day, and the whole repository over one hour.
/// </summary>
internal static class InvestigationBenchmark
{
    public static async Task<InvestigationSuiteReport> RunAsync(BenchmarkStores stores, MachineInfo machine, long events, int days, bool quick)
    {
        var store = await stores.CreateAsync("investigation");
        var end = DateTimeOffset.UtcNow.AddMinutes(-2);
        await using var host = await IngestionHost.StartAsync(store);
        var ingestor = host.Services.GetRequiredService<EventIngestor>();
        var generator = new TrafficGenerator(seed: 11, events, end, TimeSpan.FromDays(days));
        Progress.Log($"investigation: building a store of {events:N0} events over {days} days");
        var build = Stopwatch.StartNew();
        foreach (var batch in generator.Publications(InProcessIngestBenchmark.BatchSize))
        {
            await ingestor.IngestAsync(batch);
        }

        for (var remaining = events; remaining > 0; remaining -= InProcessIngestBenchmark.BatchSize)
        {
            await ingestor.IngestAsync(generator.Next((int)Math.Min(InProcessIngestBenchmark.BatchSize, remaining)));
        }

        build.Stop();
        var queries = host.Services.GetRequiredService<IInvestigationQueries>();
        var day = end.UtcDateTime.Date.AddDays(-1);
        var hour = new DateTime(end.Year, end.Month, end.Day, end.Hour, 0, 0, DateTimeKind.Utc).AddHours(-2);
        var recordDay = new InvestigationRequest(InvestigationScope.Record, generator.MostPopularRecid, null, day, day.AddDays(1));
        var repositoryHour = new InvestigationRequest(InvestigationScope.Repository, null, null, hour, hour.AddHours(1));
        var repetitions = quick ? 5 : 30;
        IReadOnlyList<LatencyFigures> figures =
        [
            await MeasureAsync("record-day-summary", repetitions, () => queries.SummarizeAsync(recordDay, "benchmark")),
            await MeasureAsync("record-day-events-page", repetitions, () => queries.EventsAsync(recordDay, new InvestigationFilter(), 0, 100, "benchmark")),
            await MeasureAsync("repository-hour-summary", repetitions, () => queries.SummarizeAsync(repositoryHour, "benchmark")),
        ];
        return new InvestigationSuiteReport(
            events, days, Math.Round(build.Elapsed.TotalSeconds, 1), figures,
            [
                new("record-day-summary p95 ms", "< 500", figures[0].P95Ms, figures[0].P95Ms < 500),
                new("repository-hour-summary p95 ms", "< 2000", figures[2].P95Ms, figures[2].P95Ms < 2000),
            ],
            machine);
    }

    private static async Task<LatencyFigures> MeasureAsync(string name, int repetitions, Func<Task> query)
    {
        await query();
        var times = new List<double>(repetitions);
        for (var i = 0; i < repetitions; i++)
        {
            var watch = Stopwatch.StartNew();
            await query();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        Progress.Log($"investigation: {name}: p50 {times[times.Count / 2]:F1} ms, p95 {times[(int)Math.Ceiling(0.95 * times.Count) - 1]:F1} ms");
        return new LatencyFigures(name, repetitions, Math.Round(times[times.Count / 2], 2), Math.Round(times[(int)Math.Ceiling(0.95 * times.Count) - 1], 2), Math.Round(times[^1], 2));
    }
}
