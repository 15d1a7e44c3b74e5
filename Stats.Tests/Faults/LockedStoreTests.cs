using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stats.Core.Access;
using Stats.Core.Data;
using Stats.Dashboard.Api;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Faults;

/// <summary>Another process holds the SQLite store's write lock for longer than the dashboard waits, then lets go.</summary>
public sealed class LockedStoreTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WhileTheStoreIsLockedWritesAre503AndHealthIsDegradedNamingTheLockThenBothRecoverByThemselves()
    {
        using var folder = new TempFolder();
        // The store waits one second for a lock, not the default thirty.
        var connectionString = $"Data Source={folder.Combine("stats.db")};Default Timeout=1";
        await using var dashboard = new DashboardFactory(new Dictionary<string, string?>
        {
            ["Stats:Database:ConnectionString"] = connectionString,
            ["Stats:Aggregation:Interval"] = "00:00:01",
        });
        using var http = await dashboard.CreateClientWithKeyAsync(ApiScopes.Ingest);
        var client = new FaultClient(http);
        using (var before = await client.PostAsync(client.NewBatch(100)))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        var refused = client.NewBatch(100);
        await using (var blocker = new SqliteConnection(connectionString))
        {
            await blocker.OpenAsync(Cancellation);
            await using var exclusive = blocker.CreateCommand();
            exclusive.CommandText = "BEGIN EXCLUSIVE";
            await exclusive.ExecuteNonQueryAsync(Cancellation);

            using (var during = await client.PostAsync(refused))
            {
                await FaultClient.AssertStoreUnavailableAsync(during);
            }

            // Readers are not blocked (WAL): the store is usable, its writes are not.
            var degraded = await client.WaitForHealthAsync(HealthApi.Degraded);
            var ingestion = Assert.Single(degraded.Checks, c => c.Name == "ingestion-writes");
            Assert.Equal(HealthApi.Degraded, ingestion.Status);
            Assert.Contains("database is locked", ingestion.Cause, StringComparison.Ordinal);

            exclusive.CommandText = "ROLLBACK";
            await exclusive.ExecuteNonQueryAsync(Cancellation);
        }

        await client.PostUntilAcknowledgedAsync(refused);
        var healthy = await client.WaitForHealthAsync(HealthApi.Healthy);
        Assert.All(healthy.Checks, c => Assert.Equal(HealthApi.Healthy, c.Status));
        var lost = await client.LostAsync(dashboard.Services.GetRequiredService<IDbContextFactory<StatsDbContext>>());
        Assert.Equal(200, client.Acknowledged.Count);
        Assert.Empty(lost);
    }
}
