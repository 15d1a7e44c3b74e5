using System.Net;
using System.Net.Http.Headers;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Stats.Core.Data;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Faults;

/// <summary>The aggregator is killed (SIGKILL) half-way through a run: nothing is lost or counted twice, and the next instance finishes the work by itself.</summary>
public sealed class KillDuringAggregationTests
{
    private const int Days = 1_500;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnAggregatorKilledMidRunLeavesTheRestMarkedAndTheNextInstanceFinishesItOnceItsLeaseLapses()
    {
        using var folder = new TempFolder();
        var settings = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Stats__Database__DataFolder"] = folder.Path,
            ["Stats__Retention__RawEventMaxAgeDays"] = "0",
            ["Stats__Aggregation__Enabled"] = "false",
            ["Stats__Aggregation__LeaseDuration"] = "00:00:10",
            ["Stats__Aggregation__Interval"] = "00:00:01",
            ["Stats__Auth__Oidc__Authority"] = "http://127.0.0.1:9/",
            ["Stats__Auth__Oidc__ClientId"] = "stats",
            ["Stats__Auth__Oidc__RequireHttpsMetadata"] = "false",
        };
        var created = await DashboardProcess.RunAsync(settings, "apikey", "create", "--name", "fault test", "--scope", "ingest");
        Assert.True(created.ExitCode == 0, created.ToString());
        var key = created.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];

        FaultClient client;
        using (var ingesting = await DashboardProcess.StartServerAsync(settings))
        {
            using var http = new HttpClient { BaseAddress = ingesting.Address, Timeout = TimeSpan.FromMinutes(1) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            client = new FaultClient(http);
            // One event a day over four years: five write groups of at most 366 days each, so a run has a middle.
            using var response = await client.PostAsync(client.NewBatch(Days, TimeSpan.FromDays(1)));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var contexts = new StatsDbContextFactory(DatabaseProvider.Sqlite, new SqliteConnectionStringBuilder { DataSource = Path.Combine(folder.Path, "stats.db") }.ToString());
        using (var aggregate = DashboardProcess.StartVerb(settings, "aggregate"))
        {
            // Killed once its first group is committed and before its last: in the middle of the run.
            await FaultClient.WaitForAsync("the aggregate verb to commit its first days", async () => aggregate.HasExited || await AggregatedDaysAsync(contexts) > 0);
            Assert.False(aggregate.HasExited, "The aggregate verb finished before it could be killed half-way.");
            aggregate.Kill(entireProcessTree: true);
            await aggregate.WaitForExitAsync(Cancellation);
        }

        var atKill = await AggregatedDaysAsync(contexts);
        Assert.InRange(atKill, 1, Days - 1);

        settings["Stats__Aggregation__Enabled"] = "true";
        using (var next = await DashboardProcess.StartServerAsync(settings))
        {
            // The dead run's lease lapses by itself; then this instance's background aggregator does the rest.
            await FaultClient.WaitForAsync("the next instance to aggregate the days left", async () =>
            {
                await using var context = await ((IDbContextFactory<StatsDbContext>)contexts).CreateDbContextAsync(Cancellation);
                return !await context.DirtyDays.AnyAsync(Cancellation);
            });
        }

        await using var store = await ((IDbContextFactory<StatsDbContext>)contexts).CreateDbContextAsync(Cancellation);
        Assert.Empty(await client.LostAsync(contexts));
        // Each day counted once: the repository's views over every day are the events, no more, no less.
        Assert.Equal(Days, await store.UsageDailyStats.Where(s => s.Scope == StatScope.Repository).SumAsync(s => s.Views, Cancellation));
        SqliteConnection.ClearAllPools();
    }

    private static async Task<int> AggregatedDaysAsync(StatsDbContextFactory contexts)
    {
        await using var context = await ((IDbContextFactory<StatsDbContext>)contexts).CreateDbContextAsync(Cancellation);
        return await context.AggregatedDays.CountAsync(Cancellation);
    }
}
