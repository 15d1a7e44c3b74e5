using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Stats.Core.Access;
using Stats.Dashboard.Api;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Api;

public sealed class EventsApiRetentionTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnEventOlderThanTheRetentionPeriodIsReportedRejectedAndTheRestStored()
    {
        await using var dashboard = new DashboardFactory(new Dictionary<string, string?> { ["Stats:Retention:RawEventMaxAgeDays"] = "180" });
        var (_, key) = await dashboard.Services.GetRequiredService<ApiKeyService>().CreateAsync("test", [ApiScopes.Ingest], Cancellation);
        using var client = dashboard.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var recent = DateTimeOffset.UtcNow.AddHours(-1).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);

        using var response = await client.PostAsync(
            new Uri("/api/events", UriKind.Relative),
            new StringContent($$"""
                [{"type": "record-view", "timestamp": "2024-06-15T13:35:00Z", "recid": "a"},
                 {"type": "record-view", "timestamp": "{{recent}}", "recid": "a"}]
                """, Encoding.UTF8, "application/json"),
            Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<IngestResponse>(Cancellation);
        Assert.NotNull(body);
        Assert.Equal(1, body.Accepted);
        var rejected = Assert.Single(body.Rejected);
        Assert.Equal(0, rejected.Index);
        var error = Assert.Single(rejected.Errors);
        Assert.StartsWith("field 'timestamp' 2024-06-15T13:35:00Z is older than the retention period (180 days)", error, StringComparison.Ordinal);
    }
}
