using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Stats.Core.Data;
using Stats.Core.Ingestion;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Api;

/// <summary>An acknowledged event is durably stored before the acknowledgement leaves the server.</summary>
public sealed class CrashDurabilityTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task KillingTheServerMidStreamLosesNoAcknowledgedEventAndTheRestartedServerCarriesOn()
    {
        using var folder = new TempFolder();
        var settings = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Stats__Database__DataFolder"] = folder.Path,
            // The events are of 2024: retention (on by default) would reject them, and a 200 with rejections is no acknowledgement.
            ["Stats__Retention__RawEventMaxAgeDays"] = "0",
            // Production needs an identity provider to start; this test never signs in, so one that is never reached will do.
            ["Stats__Auth__Oidc__Authority"] = "http://127.0.0.1:9/",
            ["Stats__Auth__Oidc__ClientId"] = "stats",
            ["Stats__Auth__Oidc__RequireHttpsMetadata"] = "false",
        };
        var created = await DashboardProcess.RunAsync(settings, "apikey", "create", "--name", "crash test", "--scope", "ingest");
        Assert.True(created.ExitCode == 0, created.ToString());
        var key = created.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];

        var acknowledged = new ConcurrentBag<string>();
        using (var server = await DashboardProcess.StartServerAsync(settings))
        {
            using var client = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(30) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);

            // Four clients stream batches of events with ids; the server is killed while they are at it.
            var clients = Enumerable.Range(0, 4).Select(c => Task.Run(() => StreamAsync(client, c, acknowledged, stop.Token), Cancellation)).ToList();
            while (acknowledged.Count < 4_000)
            {
                await Task.Delay(20, Cancellation);
            }

            server.KillHard();
            await stop.CancelAsync();
            await Task.WhenAll(clients);
        }

        // Restarted on the same store (what a supervisor does after a crash), the server recovers by itself: healthy, and it
        // takes new events, and a batch sent again is stored once (the ids make resending after a crash safe).
        using (var restarted = await DashboardProcess.StartServerAsync(settings))
        {
            using var client = new HttpClient { BaseAddress = restarted.Address, Timeout = TimeSpan.FromSeconds(30) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            using (var health = await client.GetAsync(new Uri("/healthz", UriKind.Relative), Cancellation))
            {
                Assert.Equal(HttpStatusCode.OK, health.StatusCode);
                Assert.Contains("\"healthy\"", await health.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
            }

            var before = acknowledged.Count;
            await StreamAsync(client, clientNumber: 9, acknowledged, Cancellation, batches: 1);
            Assert.Equal(before + 200, acknowledged.Count);
            await StreamAsync(client, clientNumber: 0, acknowledged, Cancellation, batches: 1);
            Assert.Equal(before + 400, acknowledged.Count);
        }

        // Whatever was acknowledged is in the store, read back after the crash and the restart.
        var contexts = new StatsDbContextFactory(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(folder.Path, "stats.db")}");
        await using var context = contexts.CreateDbContext();
        var storedIds = await context.RawEvents.Where(e => e.ClientIdHash != null).Select(e => e.ClientIdHash!.Value).ToListAsync(Cancellation);
        var stored = storedIds.ToHashSet();
        Assert.Equal(stored.Count, storedIds.Count);
        var lost = acknowledged.Where(id => !stored.Contains(EventIngestor.ClientIdHash(id))).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} of {acknowledged.Count} acknowledged events are missing, e.g. {string.Join(", ", lost.Take(5))}");
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    /// <summary>Posts batches of 200 events with ids until stopped, the server is gone, or <paramref name="batches"/> are sent.</summary>
    private static async Task StreamAsync(
        HttpClient client, int clientNumber, ConcurrentBag<string> acknowledged, CancellationToken stop, int batches = int.MaxValue)
    {
        var start = new DateTime(2024, 6, 15, 0, 0, 0, DateTimeKind.Utc);
        for (var batch = 0; batch < batches && !stop.IsCancellationRequested; batch++)
        {
            var ids = Enumerable.Range(0, 200).Select(i => $"c{clientNumber}-b{batch}-e{i}").ToList();
            var body = new StringBuilder("[");
            for (var i = 0; i < ids.Count; i++)
            {
                var at = start.AddSeconds((clientNumber * 1_000_000) + (batch * 200) + i);
                body.Append(i == 0 ? "" : ",")
                    .Append($$"""{"type":"record-view","timestamp":"{{at:O}}","recid":"rec-{{i % 50}}","id":"{{ids[i]}}","ip_address":"192.0.2.{{i % 200}}","user_agent":"Mozilla/5.0"}""");
            }

            body.Append(']');
            try
            {
                using var response = await client.PostAsync(new Uri("/api/events", UriKind.Relative), new StringContent(body.ToString(), Encoding.UTF8, "application/json"), stop);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    foreach (var id in ids)
                    {
                        acknowledged.Add(id);
                    }
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
            {
                // The server is gone: whatever did not get its 200 was not acknowledged.
                return;
            }
        }
    }
}
