using System.Net;
using System.Net.Http.Headers;
using Stats.Core.Data;
using Stats.Dashboard.Api;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Faults;

/// <summary>PostgreSQL stops under a running dashboard and starts again: nothing acknowledged is lost, and the dashboard recovers by itself.</summary>
public sealed class StoreDownTests
{
    [Fact]
    public async Task WhilePostgreSqlIsDownTheApiAnswers503AndAfterItStartsEverythingAcknowledgedIsStoredWithoutARestart()
    {
        await using var cluster = await OwnPostgreSqlCluster.StartAsync();
        var settings = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Stats__Database__Provider"] = "PostgreSql",
            ["Stats__Database__ConnectionString"] = cluster.ConnectionString,
            ["Stats__Retention__RawEventMaxAgeDays"] = "0",
            // The aggregator's lease renewal is the write that tells health the store takes writes again.
            ["Stats__Aggregation__Interval"] = "00:00:01",
            // Production needs an identity provider to start; this test never signs in, so one that is never reached will do.
            ["Stats__Auth__Oidc__Authority"] = "http://127.0.0.1:9/",
            ["Stats__Auth__Oidc__ClientId"] = "stats",
            ["Stats__Auth__Oidc__RequireHttpsMetadata"] = "false",
        };
        var created = await DashboardProcess.RunAsync(settings, "apikey", "create", "--name", "fault test", "--scope", "ingest");
        Assert.True(created.ExitCode == 0, created.ToString());
        var key = created.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];

        using var server = await DashboardProcess.StartServerAsync(settings);
        using var http = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromMinutes(1) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var client = new FaultClient(http);
        // Stats are read anonymously (public usage): the ingest key may not read them.
        using var reader = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromMinutes(1) };
        var anonymous = new FaultClient(reader);
        using (var before = await client.PostAsync(client.NewBatch(200)))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await cluster.StopAsync();

        var refused = client.NewBatch(200);
        using (var during = await client.PostAsync(refused))
        {
            await FaultClient.AssertStoreUnavailableAsync(during);
        }

        using (var query = await anonymous.QueryAsync())
        {
            await FaultClient.AssertStoreUnavailableAsync(query);
        }

        var (code, down) = await client.HealthAsync();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, code);
        Assert.Equal(HealthApi.Unhealthy, down?.Status);

        await cluster.StartAgainAsync();

        // The same dashboard process, not restarted: it reconnects by itself.
        await client.PostUntilAcknowledgedAsync(refused);
        await client.PostUntilAcknowledgedAsync(client.NewBatch(200));
        await client.WaitForHealthAsync(HealthApi.Healthy);
        using (var query = await anonymous.QueryAsync())
        {
            Assert.Equal(HttpStatusCode.OK, query.StatusCode);
        }

        var lost = await client.LostAsync(new StatsDbContextFactory(DatabaseProvider.PostgreSql, cluster.ConnectionString));
        Assert.Equal(600, client.Acknowledged.Count);
        Assert.True(lost.Count == 0, $"{lost.Count} of {client.Acknowledged.Count} acknowledged events are missing, e.g. {string.Join(", ", lost.Take(5))}");
    }
}
