using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Stats.Core.Access;
using Stats.Core.Aggregation;
using Stats.Core.Ingestion;
using Stats.Tests.Builders;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Api;

public sealed class PipelineApiTests : IClassFixture<DashboardFactory>
{
    private readonly DashboardFactory _dashboard;

    public PipelineApiTests(DashboardFactory dashboard)
    {
        _dashboard = dashboard;
    }

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/api/admin/pipeline")]
    [InlineData("/metrics")]
    public async Task WithoutAKeyTheAnswerIs401AndWithoutTheAdminScope403(string path)
    {
        using var anonymous = _dashboard.CreateClient();
        using var reader = await _dashboard.CreateClientWithKeyAsync(ApiScopes.Read);

        var unauthorized = await anonymous.GetAsync(new Uri(path, UriKind.Relative), Cancellation);
        var forbidden = await reader.GetAsync(new Uri(path, UriKind.Relative), Cancellation);

        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        Assert.Equal("application/problem+json", unauthorized.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }

    [Fact]
    public async Task ThePipelineShowsItsBacklogAndThenTheRunThatClearedIt()
    {
        using var admin = await _dashboard.CreateClientWithKeyAsync(ApiScopes.Admin);
        var old = DateTimeOffset.UtcNow.AddDays(-40);
        var ingested = await _dashboard.Services.GetRequiredService<EventIngestor>().IngestAsync(
            [TestEvents.View("pipeline-1", old), TestEvents.View("pipeline-1", old.AddMinutes(5), ip: "8.8.4.4")], Cancellation);
        Assert.Equal(2, ingested.Accepted);

        using var before = JsonDocument.Parse(await admin.GetStringAsync(new Uri("/api/admin/pipeline", UriKind.Relative), Cancellation));
        var backlog = before.RootElement.GetProperty("backlog");
        Assert.True(backlog.GetProperty("days").GetInt32() >= 1, before.RootElement.ToString());
        Assert.True(backlog.GetProperty("events").GetInt64() >= 2, before.RootElement.ToString());
        Assert.True(DateOnly.Parse(backlog.GetProperty("oldestDay").GetString()!, System.Globalization.CultureInfo.InvariantCulture) <= DateOnly.FromDateTime(old.UtcDateTime));

        var report = await _dashboard.Services.GetRequiredService<AggregationRunner>().RunAsync(Cancellation);
        // The background service may have run in between and taken the work: either way nothing is left.
        Assert.Null(report.Error);
        using var after = JsonDocument.Parse(await admin.GetStringAsync(new Uri("/api/admin/pipeline", UriKind.Relative), Cancellation));
        Assert.Equal(0, after.RootElement.GetProperty("backlog").GetProperty("days").GetInt32());
        var lastRun = after.RootElement.GetProperty("lastRun");
        Assert.True(lastRun.GetProperty("days").GetInt32() >= 1, after.RootElement.ToString());
        Assert.Equal(JsonValueKind.Null, lastRun.GetProperty("error").ValueKind);
        Assert.Equal(lastRun.GetProperty("startedAt").GetString(), after.RootElement.GetProperty("lastSuccess").GetProperty("startedAt").GetString());
        Assert.EndsWith("Z", lastRun.GetProperty("finishedAt").GetString(), StringComparison.Ordinal);

        var metrics = await admin.GetStringAsync(new Uri("/metrics", UriKind.Relative), Cancellation);
        Assert.Contains("# TYPE stats_aggregation_backlog_days gauge", metrics, StringComparison.Ordinal);
        Assert.Contains("\nstats_aggregation_backlog_days 0\n", metrics, StringComparison.Ordinal);
        Assert.Contains("\nstats_aggregation_last_run_failed 0\n", metrics, StringComparison.Ordinal);
    }
}
