using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stats.Core.Aggregation;
using Stats.Core.Data;
using Stats.Core.Ingestion;

namespace Stats.Benchmarks;

/// <summary>What the aggregation run measured on one store.</summary>
internal sealed record AggregationRun(
    long Events,
    int Days,
    double IngestSeconds,
    long RawGroupByRowsPerS,
    double RawGroupBySeconds,
    long AggregationEventsPerS,
    double AggregationSeconds,
    double AggregationVsGroupBy,
    int DaysAggregated,
    long AggregateRows,
    double ComputingSeconds,
    double WritingSeconds,
    Cost AggregationCost);

/// <summary>
/// Aggregation throughput on a store of generated traffic spread over two years: the product's aggregator (every day
/// dirty, as after an import) against the raw ceiling, one GROUP BY over the same table in the same run. The store is
/// written through the product's ingestion, after the publication of every record (communities, owners, access).
/// </summary>
internal static class AggregationBenchmark
{
    public const int Days = 730;

    /// <summary>Builds the store: publications, then <paramref name="events"/> events over <see cref="Days"/> days ending at <paramref name="end"/>.</summary>
    public static async Task<(double Seconds, string MostPopularRecid)> BuildStoreAsync(BenchmarkStore store, long events, DateTimeOffset end)
    {
        await using var host = await IngestionHost.StartAsync(store);
        var ingestor = host.Services.GetRequiredService<EventIngestor>();
        var generator = new TrafficGenerator(seed: 7, events, end, TimeSpan.FromDays(Days));
        var watch = Stopwatch.StartNew();
        foreach (var batch in generator.Publications(InProcessIngestBenchmark.BatchSize))
        {
            await ingestor.IngestAsync(batch);
        }

        for (var remaining = events; remaining > 0; remaining -= InProcessIngestBenchmark.BatchSize)
        {
            var result = await ingestor.IngestAsync(generator.Next((int)Math.Min(InProcessIngestBenchmark.BatchSize, remaining)));
            if (result.Rejected.Count > 0)
            {
                throw new InvalidOperationException($"The ingestor rejected generated events: {result.Rejected[0].Errors[0]}");
            }
        }

        return (watch.Elapsed.TotalSeconds, generator.MostPopularRecid);
    }

    public static async Task<AggregationRun> RunAsync(BenchmarkStore store, long events, double ingestSeconds)
    {
        await using var host = await IngestionHost.StartAsync(store, aggregation: true);
        var contexts = host.Services.GetRequiredService<IDbContextFactory<StatsDbContext>>();
        long rawRows;
        await using (var context = await contexts.CreateDbContextAsync())
        {
            rawRows = await context.RawEvents.LongCountAsync();
        }

        Progress.Log($"aggregation: raw GROUP BY over {rawRows:N0} rows");
        var groupBy = await RawGroupByAsync(contexts, store.Provider);
        Progress.Log($"aggregation: {rawRows / groupBy.TotalSeconds:N0} rows/s; now the aggregator over every dirty day");

        var meter = CostMeter.Start();
        var report = await host.Services.GetRequiredService<AggregationRunner>().RunAsync();
        var cost = meter.Stop();
        if (report.Error is not null || !report.LeaseAcquired)
        {
            throw new InvalidOperationException($"The aggregator failed: {report.Error ?? "no lease"}");
        }

        long aggregateRows;
        await using (var context = await contexts.CreateDbContextAsync())
        {
            aggregateRows = await context.UsageDailyStats.LongCountAsync() + await context.CountryDailyStats.LongCountAsync() +
                await context.ActivityDailyStats.LongCountAsync();
        }

        var eventsPerS = (long)(report.Events / meter.Elapsed.TotalSeconds);
        var groupByPerS = (long)(rawRows / groupBy.TotalSeconds);
        Progress.Log($"aggregation: {eventsPerS:N0} events/s ({report.Days.Count} days, {aggregateRows:N0} aggregate rows; " +
            $"computing {report.Days.Sum(d => d.Computing.TotalSeconds):F1} s, writing {report.Days.Sum(d => d.Writing.TotalSeconds):F1} s)");
        return new AggregationRun(
            events, Days, Math.Round(ingestSeconds, 1), groupByPerS, Math.Round(groupBy.TotalSeconds, 2), eventsPerS, cost.Seconds,
            Math.Round(eventsPerS / (double)groupByPerS, 3), report.Days.Count, aggregateRows,
            Math.Round(report.Days.Sum(d => d.Computing.TotalSeconds), 2), Math.Round(report.Days.Sum(d => d.Writing.TotalSeconds), 2), cost);
    }

    /// <summary>
    /// The least an aggregation must do: read every raw row once and group it by day, type and record, in the database,
    /// with nothing sent back but the groups.
    /// </summary>
    private static async Task<TimeSpan> RawGroupByAsync(IDbContextFactory<StatsDbContext> contexts, DatabaseProvider provider)
    {
        // The day of a timestamp: SQLite keeps it as ISO text; PostgreSQL as timestamptz, whose day is the session's
        // time zone's unless it is asked for UTC, the aggregates' day.
        var day = provider == DatabaseProvider.Sqlite ? "substr(\"Timestamp\", 1, 10)" : "(\"Timestamp\" AT TIME ZONE 'UTC')::date";
        await using var context = await contexts.CreateDbContextAsync();
        var connection = context.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        // A GROUP BY over ten million rows outlasts ADO.NET's default 30 seconds on a loaded machine.
        command.CommandTimeout = 0;
        command.CommandText = $"SELECT {day} AS \"Day\", \"TypeId\", \"RecordId\", COUNT(*), SUM(\"Amount\") " +
            "FROM \"RawEvents\" GROUP BY \"Day\", \"TypeId\", \"RecordId\"";
        var watch = Stopwatch.StartNew();
        await using var reader = await command.ExecuteReaderAsync();
        var groups = 0L;
        while (await reader.ReadAsync())
        {
            groups++;
        }

        return groups > 0 ? watch.Elapsed : throw new InvalidOperationException("The GROUP BY found no rows.");
    }
}
