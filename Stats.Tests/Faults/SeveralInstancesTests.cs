using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Stats.Core.Data;
using Stats.Core.Ingestion;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Faults;

/// <summary>
/// Three dashboard processes on one PostgreSQL store, as behind a load balancer: events posted through all of them at
/// once, one killed with SIGKILL and started again, then the aggregation lease holder killed. Every acknowledged event
/// is stored once and counted once, one instance aggregates at a time, and the lease moves when its holder dies.
/// </summary>
public sealed class SeveralInstancesTests
{
    private const int Instances = 3;
    private const int BatchesPerInstance = 10;
    private const int EventsPerBatch = 200;

    private static readonly DateTime s_start = new(2024, 6, 15, 0, 0, 0, DateTimeKind.Utc);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ThreeInstancesStoreEveryAcknowledgedEventOnceAggregateOneAtATimeAndHandTheLeaseOnWhenItsHolderDies()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.PostgreSql);
        var settings = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Stats__Database__Provider"] = "PostgreSql",
            ["Stats__Database__ConnectionString"] = store.ConnectionString,
            ["Stats__Retention__RawEventMaxAgeDays"] = "0",
            ["Stats__Aggregation__Interval"] = "00:00:01",
            ["Stats__Aggregation__LeaseDuration"] = "00:00:10",
            ["Stats__Auth__Oidc__Authority"] = "http://127.0.0.1:9/",
            ["Stats__Auth__Oidc__ClientId"] = "stats",
            ["Stats__Auth__Oidc__RequireHttpsMetadata"] = "false",
        };
        var created = await DashboardProcess.RunAsync(settings, "apikey", "create", "--name", "instances test", "--scope", "ingest");
        Assert.True(created.ExitCode == 0, created.ToString());
        var key = created.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];

        var servers = new RunningDashboard?[Instances];
        var deadHolder = "";
        var killedAt = DateTime.MaxValue;
        var acknowledged = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        var refusals = new ConcurrentQueue<string>();
        try
        {
            for (var i = 0; i < Instances; i++)
            {
                servers[i] = await DashboardProcess.StartServerAsync(settings);
            }

            // All three take batches at once, on the same records and days; the third is killed and started again half-way.
            await Task.WhenAll(Enumerable.Range(0, Instances).Select(i => Task.Run(async () =>
            {
                for (var b = 0; b < BatchesPerInstance; b++)
                {
                    if (i == Instances - 1 && b == BatchesPerInstance / 2)
                    {
                        servers[i]!.KillHard();
                        servers[i]!.Dispose();
                        servers[i] = await DashboardProcess.StartServerAsync(settings);
                    }

                    await PostAsync(servers[i]!, key, Batch(i, b), acknowledged, refusals);
                }
            })));
            Assert.True(refusals.IsEmpty, "A running instance refused a batch: " + string.Join(" | ", refusals));
            await WaitUntilAggregatedAsync(store);

            // The lease holder dies: another instance takes the lease once it lapses and aggregates what comes next.
            var holder = await LeaseHolderAsync(store);
            var dead = Array.FindIndex(servers, s => holder.Contains($"/{s!.ProcessId}/", StringComparison.Ordinal));
            Assert.True(dead >= 0, $"The lease is held by none of the three instances: {holder}");
            deadHolder = $"/{servers[dead]!.ProcessId}/";
            killedAt = DateTime.UtcNow;
            servers[dead]!.KillHard();
            var alive = servers[(dead + 1) % Instances]!;
            await PostAsync(alive, key, Batch(Instances, 0), acknowledged, refusals);
            Assert.True(refusals.IsEmpty, "A running instance refused a batch: " + string.Join(" | ", refusals));
            await WaitUntilAggregatedAsync(store);
            Assert.DoesNotContain($"/{servers[dead]!.ProcessId}/", await LeaseHolderAsync(store), StringComparison.Ordinal);
        }
        finally
        {
            foreach (var server in servers)
            {
                server?.Dispose();
            }
        }

        await using var context = store.CreateContext();
        var storedIds = await context.RawEvents.Where(e => e.ClientIdHash != null).Select(e => e.ClientIdHash!.Value).ToListAsync(Cancellation);
        var expected = acknowledged.Keys.Select(EventIngestor.ClientIdHash).ToHashSet();
        Assert.Empty(expected.Except(storedIds));
        Assert.Equal(storedIds.Count, storedIds.Distinct().Count());
        Assert.Equal((BatchesPerInstance * Instances + 1) * EventsPerBatch, acknowledged.Count);
        // Every event is another visitor's view: counted once each, whichever instance took it or aggregated its day.
        Assert.Equal(acknowledged.Count, await context.UsageDailyStats.Where(s => s.Scope == StatScope.Repository).SumAsync(s => (long)s.Views, Cancellation));
        var runs = await context.AggregationRuns.Where(r => r.DaysProcessed > 0).OrderBy(r => r.StartedAt).ToListAsync(Cancellation);
        for (var i = 1; i < runs.Count; i++)
        {
            // The runs that did work never overlap: one instance aggregates at a time.
            Assert.True(runs[i].StartedAt >= runs[i - 1].FinishedAt, $"Runs of {runs[i - 1].Holder} and {runs[i].Holder} overlap.");
        }

        // The holder may have held the lease only in idle runs before (it moves whenever one lapses): what matters is
        // that the events posted after it died were aggregated by another instance.
        Assert.True(
            runs.Any(r => r.StartedAt >= killedAt && !r.Holder.Contains(deadHolder, StringComparison.Ordinal)),
            $"No other instance aggregated after the lease holder ({deadHolder}) died.");
    }

    /// <summary>
    /// A batch of views, each by another visitor (its own address) with an id of its own, on twenty records shared by
    /// every instance over three days: the instances race for the same new records and day marks.
    /// </summary>
    private static (List<string> Ids, string Body) Batch(int instance, int batch)
    {
        var ids = new List<string>(EventsPerBatch);
        var body = new StringBuilder("[");
        for (var e = 0; e < EventsPerBatch; e++)
        {
            var n = (((instance * BatchesPerInstance) + batch) * EventsPerBatch) + e;
            var id = $"i{instance}-b{batch}-e{e}";
            ids.Add(id);
            var at = s_start.AddDays(n % 3).AddSeconds(n / 3);
            body.Append(e == 0 ? "" : ",").Append(CultureInfo.InvariantCulture,
                $$"""{"type":"record-view","timestamp":"{{at:O}}","recid":"rec-{{n % 20}}","id":"{{id}}","ip_address":"198.51.{{n / 250 % 250}}.{{n % 250}}","user_agent":"Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"}""");
        }

        return (ids, body.Append(']').ToString());
    }

    private static async Task PostAsync(RunningDashboard server, string key, (List<string> Ids, string Body) batch, ConcurrentDictionary<string, bool> acknowledged, ConcurrentQueue<string> refusals)
    {
        using var http = new HttpClient { BaseAddress = server.Address, Timeout = FaultClient.Patience };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await http.PostAsync(new Uri("/api/events", UriKind.Relative), new StringContent(batch.Body, Encoding.UTF8, "application/json"), Cancellation);
        if (!response.IsSuccessStatusCode)
        {
            refusals.Enqueue($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Cancellation)}");
            return;
        }

        foreach (var id in batch.Ids)
        {
            acknowledged[id] = true;
        }
    }

    private static Task WaitUntilAggregatedAsync(TestStore store) =>
        FaultClient.WaitForAsync("the instances to aggregate every marked day", async () =>
        {
            await using var context = store.CreateContext();
            return !await context.DirtyDays.AnyAsync(Cancellation);
        });

    private static async Task<string> LeaseHolderAsync(TestStore store)
    {
        await using var context = store.CreateContext();
        return await context.AggregationLeases.Select(l => l.Holder).SingleAsync(Cancellation);
    }
}
