using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Stats.Core.Data;
using Stats.Core.Ingestion;
using Stats.Dashboard.Api;

namespace Stats.Tests.Faults;

/// <summary>
/// What the fault tests do to a dashboard: send batches of events with ids, remember which were acknowledged, check
/// that answers during a fault are 503 problem details with Retry-After, and wait for health to change.
/// </summary>
public sealed class FaultClient(HttpClient client)
{
    /// <summary>How long a fault test waits for a condition (recovery, health) before it fails: generous, for a loaded machine.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    private static readonly DateTime s_start = new(2024, 6, 15, 0, 0, 0, DateTimeKind.Utc);

    private int _batches;

    /// <summary>The ids of every event the server acknowledged (a 2xx answer to its batch).</summary>
    public HashSet<string> Acknowledged { get; } = new(StringComparer.Ordinal);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>A batch of <paramref name="size"/> record views, each with an id of its own, one second (or <paramref name="step"/>) apart.</summary>
    public (List<string> Ids, string Body) NewBatch(int size, TimeSpan? step = null)
    {
        var batch = _batches++;
        var ids = Enumerable.Range(0, size).Select(i => $"b{batch}-e{i}").ToList();
        var body = new StringBuilder("[");
        for (var i = 0; i < size; i++)
        {
            var at = step is { } apart ? s_start.AddDays(-batch) - (apart * i) : s_start.AddSeconds((batch * 10_000) + i);
            body.Append(i == 0 ? "" : ",")
                .Append(CultureInfo.InvariantCulture, $$"""{"type":"record-view","timestamp":"{{at:O}}","recid":"rec-{{i % 20}}","id":"{{ids[i]}}","ip_address":"192.0.2.{{i % 200}}","user_agent":"Mozilla/5.0"}""");
        }

        return (ids, body.Append(']').ToString());
    }

    /// <summary>Posts a batch; remembers its ids when the answer is a 2xx.</summary>
    public async Task<HttpResponseMessage> PostAsync((List<string> Ids, string Body) batch)
    {
        var response = await client.PostAsync(new Uri("/api/events", UriKind.Relative), new StringContent(batch.Body, Encoding.UTF8, "application/json"), Cancellation);
        if (response.IsSuccessStatusCode)
        {
            Acknowledged.UnionWith(batch.Ids);
        }

        return response;
    }

    /// <summary>Posts a batch again and again while the store is unavailable (503), as a client that honours Retry-After would, until it is acknowledged.</summary>
    public async Task PostUntilAcknowledgedAsync((List<string> Ids, string Body) batch)
    {
        await WaitForAsync("the batch to be acknowledged", async () =>
        {
            using var response = await PostAsync(batch);
            Assert.True(
                response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.ServiceUnavailable,
                $"While the store recovers, a batch is acknowledged or refused with 503, not {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Cancellation)}");
            return response.IsSuccessStatusCode;
        });
    }

    /// <summary>Asserts the answer of a request made during the outage: 503 problem details with Retry-After, never a 500.</summary>
    public static async Task AssertStoreUnavailableAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"Expected 503, got {(int)response.StatusCode}: {body}");
        Assert.True(response.Headers.RetryAfter is not null, "A 503 tells the client when to retry (Retry-After).");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(503, JsonDocument.Parse(body).RootElement.GetProperty("status").GetInt32());
    }

    /// <summary>Posts a stat query (anonymous, public usage).</summary>
    public Task<HttpResponseMessage> QueryAsync() => client.PostAsync(
        new Uri("/api/stats", UriKind.Relative),
        new StringContent("""{"views": {"stat": "record-view", "params": {"recid": "rec-1"}}}""", Encoding.UTF8, "application/json"),
        Cancellation);

    /// <summary>The health report and its status code.</summary>
    public async Task<(HttpStatusCode Code, HealthReport? Report)> HealthAsync()
    {
        using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative), Cancellation);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<HealthReport>(Cancellation));
    }

    /// <summary>Waits until /healthz says <paramref name="status"/> (and 200 unless unhealthy); returns that report.</summary>
    public async Task<HealthReport> WaitForHealthAsync(string status)
    {
        HealthReport? last = null;
        await WaitForAsync($"/healthz to say {status}", async () =>
        {
            var (code, report) = await HealthAsync();
            last = report;
            return report?.Status == status && (code == HttpStatusCode.OK) == (status != HealthApi.Unhealthy);
        }, () => JsonSerializer.Serialize(last));
        return last!;
    }

    /// <summary>Checks <paramref name="condition"/> until it holds, failing after <see cref="Patience"/>.</summary>
    public static async Task WaitForAsync(string what, Func<Task<bool>> condition, Func<string?>? lastSeen = null)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > Patience)
            {
                Assert.Fail($"Waited {Patience} for {what}; last seen: {lastSeen?.Invoke() ?? "(nothing)"}");
            }

            // Not a wait for something to happen: the pause between two looks at a condition that is checked again.
            await Task.Delay(100, Cancellation);
        }
    }

    /// <summary>The acknowledged ids that are not in the store.</summary>
    public async Task<List<string>> LostAsync(IDbContextFactory<StatsDbContext> contexts)
    {
        await using var context = await contexts.CreateDbContextAsync(Cancellation);
        var stored = (await context.RawEvents.Where(e => e.ClientIdHash != null).Select(e => e.ClientIdHash!.Value).ToListAsync(Cancellation)).ToHashSet();
        return [.. Acknowledged.Where(id => !stored.Contains(EventIngestor.ClientIdHash(id)))];
    }
}
