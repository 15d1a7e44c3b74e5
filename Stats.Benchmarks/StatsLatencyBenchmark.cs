using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stats.Core.Aggregation;
using Stats.Core.Data;
using Stats.Core.Queries;

namespace Stats.Benchmarks;

/// <summary>Latency of one kind of <c>POST /api/stats</c> call, in milliseconds.</summary>
internal sealed record LatencyFigures(string Query, int Requests, double P50Ms, double P95Ms, double MaxMs)
{
    /// <summary>The Overview's period sums after the warm requests, in MB; null for the other figures.</summary>
    public double? CacheMb { get; init; }
}

/// <summary>
/// <c>POST /api/stats</c> latency against the real dashboard on an aggregated store, one request at a time after a
/// warm-up: a record (this version, views), a community over two years (views per month), and the overview (the
/// repository's summary and daily histogram over 30 days); and, in process, what the Overview page loads for the last 12
/// months (its six numbers and monthly series against the previous 12 months, top records, communities and countries).
/// </summary>
internal static class StatsLatencyBenchmark
{
    /// <summary>Requests per query and their warm-up: 300 after 30, or 30 after 5 in a smoke run.</summary>
    public static async Task<IReadOnlyList<LatencyFigures>> RunAsync(BenchmarkStore store, string recid, bool quick)
    {
        var (warmup, requests) = quick ? (5, 30) : (30, 300);
        await using var dashboard = new DashboardHost(store);
        var address = dashboard.Start();
        using var client = new HttpClient { BaseAddress = address };
        var today = DateTime.UtcNow.Date;
        var twoYearsAgo = today.AddDays(-AggregationBenchmark.Days + 1);
        var monthAgo = today.AddDays(-29);
        var queries = new (string Name, string Body)[]
        {
            ("record", Body(("v", "record-view", new() { ["recid"] = recid }))),
            ("community_two_years", Body(("c", "community-views-histogram", new()
            {
                ["community"] = "community-0", ["start_date"] = Day(twoYearsAgo), ["end_date"] = Day(today), ["interval"] = "month",
            }))),
            ("overview", Body(
                ("s", "repository-summary", new() { ["start_date"] = Day(monthAgo), ["end_date"] = Day(today) }),
                ("h", "repository-histogram", new() { ["start_date"] = Day(monthAgo), ["end_date"] = Day(today), ["interval"] = "day" }))),
        };

        var figures = new List<LatencyFigures>();
        foreach (var (name, body) in queries)
        {
            for (var i = 0; i < warmup; i++)
            {
                await PostAsync(client, body);
            }

            figures.Add(await MeasureAsync(name, requests, _ => PostAsync(client, body)));
        }

        figures.AddRange(await OverviewPageAsync(dashboard.Services, warmup, requests));
        return figures;
    }

    /// <summary>
    /// The Overview page's reads for the last 12 months, concurrently as the page starts them, through the services it injects
    /// (no HTTP, no rendering): the summary of both periods, then the top records with their usage, top communities, countries.
    /// Measured cold (every block of the period sums dropped first, as after a start or an import: the database answers and
    /// the blocks load in the background, waited for before the next), how long the 12 months' blocks take to load in the
    /// background, warm (the same period again), on a period moved by one day each time (today's block dropped first, as
    /// after today's re-aggregation), and straight from the database (the same reads without the period sums), with the
    /// period sums' size after the warm requests.
    /// </summary>
    private static async Task<IReadOnlyList<LatencyFigures>> OverviewPageAsync(IServiceProvider services, int warmup, int requests)
    {
        var overview = services.GetRequiredService<IOverviewQueries>();
        var usage = services.GetRequiredService<IUsageStats>();
        var sums = services.GetRequiredService<PeriodSums>();
        var notifier = services.GetRequiredService<AggregateChangeNotifier>();
        var database = new UsageStats(services.GetRequiredService<IDbContextFactory<StatsDbContext>>(), TimeProvider.System);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var from = today.AddMonths(-12).AddDays(1);
        var repository = new StatTarget(StatSubject.Repository, null);

        async Task LoadAsync(IUsageStats stats, int daysEarlier)
        {
            var period = new Period(from.AddDays(-daysEarlier), today.AddDays(-daysEarlier));
            var days = period.To.DayNumber - period.From.DayNumber + 1;
            var previous = new Period(period.From.AddDays(-days), period.From.AddDays(-1));
            var summary = overview.GetSummaryAsync(period, previous, Interval.Month);
            var records = Task.Run(async () =>
            {
                var top = await stats.TopRecordsAsync(new RecordSet(), UsageMetric.Views, period, null, 10);
                await stats.RecordsAsync([.. top.Records.Select(r => r.Recid)], period);
            });
            var communities = stats.TopCommunitiesAsync(UsageMetric.Views, period, 10);
            var countries = stats.CountriesAsync(repository, period);
            await Task.WhenAll(summary, records, communities, countries);
        }

        // Each as the dashboard's first Overview after a start, before its sums are loaded: the database answers it.
        var cold = await MeasureAsync(
            "overview_page_12_months_cold",
            Math.Max(3, requests / 30),
            _ => LoadAsync(usage, 0),
            before: async _ =>
            {
                await sums.Warming;
                notifier.Publish(new AggregatesChanged(null));
            });
        await sums.Warming;
        notifier.Publish(new AggregatesChanged(null));
        var loading = await MeasureAsync("overview_period_sums_loading_12_months", 1, async _ =>
        {
            sums.StartWarming(new Period(from, today));
            await sums.Warming;
        });
        for (var i = 0; i < warmup; i++)
        {
            await LoadAsync(usage, 0);
        }

        var warm = await MeasureAsync("overview_page_12_months", requests, _ => LoadAsync(usage, 0));
        warm = warm with { CacheMb = Math.Round(sums.Size.Bytes / (1024.0 * 1024.0), 1) };
        Progress.Log($"latency: period sums {sums.Size.Blocks} blocks, {warm.CacheMb} MB");
        var nextDay = await MeasureAsync("overview_page_12_months_next_day", requests, async i =>
        {
            notifier.Publish(new AggregatesChanged([today]));
            await LoadAsync(usage, i + 1);
        });
        await LoadAsync(database, 0);
        var uncached = await MeasureAsync("overview_page_12_months_database", Math.Max(5, requests / 5), _ => LoadAsync(database, 0));
        return [cold, loading, warm, nextDay, uncached];
    }

    /// <summary>
    /// Times <paramref name="count"/> loads one after the other (the load is given its index), each after an untimed
    /// <paramref name="before"/>, and logs the figures.
    /// </summary>
    private static async Task<LatencyFigures> MeasureAsync(string name, int count, Func<int, Task> load, Func<int, Task>? before = null)
    {
        Progress.Log($"latency: {name}");
        var times = new double[count];
        for (var i = 0; i < count; i++)
        {
            if (before is not null)
            {
                await before(i);
            }

            var watch = Stopwatch.StartNew();
            await load(i);
            times[i] = watch.Elapsed.TotalMilliseconds;
        }

        Array.Sort(times);
        var figures = new LatencyFigures(name, count, Round(times[count / 2]), Round(times[(int)(count * 0.95)]), Round(times[^1]));
        Progress.Log($"latency: {name}: p50 {figures.P50Ms} ms, p95 {figures.P95Ms} ms, max {figures.MaxMs} ms");
        return figures;
    }

    /// <summary>
    /// Whether a figure should stay about the same on a ten times larger store: not the reads of the whole period from the
    /// database (cold, or without the period sums), which grow with it by design.
    /// </summary>
    public static bool StaysFlat(string query) =>
        !query.EndsWith("_cold", StringComparison.Ordinal) && !query.EndsWith("_database", StringComparison.Ordinal) && !query.StartsWith("overview_period_sums_loading", StringComparison.Ordinal);

    private static async Task PostAsync(HttpClient client, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(new Uri("/api/stats", UriKind.Relative), content);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST /api/stats answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        await response.Content.ReadAsByteArrayAsync();
    }

    /// <summary>An invenio-stats request body: result names to stats and their parameters.</summary>
    private static string Body(params (string Key, string Stat, Dictionary<string, string> Params)[] queries) =>
        JsonSerializer.Serialize(queries.ToDictionary(q => q.Key, q => new { stat = q.Stat, @params = q.Params }));

    private static string Day(DateTime day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static double Round(double value) => Math.Round(value, 2);
}
