using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Stats.Core.Queries;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Api;

public sealed class OpenApiDocumentTests(DashboardFactory dashboard) : IClassFixture<DashboardFactory>
{
    [Fact]
    public async Task OpenApiDocumentIsValidAndListsHealthz()
    {
        using var client = dashboard.CreateClient();

        using var response = await client.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var body = await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken);
        var (document, diagnostic) = await OpenApiDocument.LoadAsync(body, "json", cancellationToken: TestContext.Current.CancellationToken);
        Assert.NotNull(document);
        Assert.NotNull(diagnostic);
        Assert.Empty(diagnostic.Errors);
        Assert.Empty(document.Validate(ValidationRuleSet.GetDefaultRuleSet()) ?? []);
        Assert.NotNull(document.Paths);
        Assert.True(document.Paths.TryGetValue("/healthz", out var health), "The document does not list /healthz.");
        Assert.NotNull(health.Operations);
        Assert.Contains(HttpMethod.Get, health.Operations.Keys);

        Assert.True(document.Paths.TryGetValue("/api/events", out var events), "The document does not list /api/events.");
        var post = events.Operations![HttpMethod.Post];
        Assert.Equal(["application/json", "application/x-ndjson"], post.RequestBody!.Content!.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("413", post.Responses!.Keys);
        Assert.Contains("503", post.Responses.Keys);

        Assert.True(document.Paths.TryGetValue("/api/stats", out var stats), "The document does not list /api/stats.");
        Assert.Equal([HttpMethod.Get, HttpMethod.Post], stats.Operations!.Keys.OrderBy(m => m.Method, StringComparer.Ordinal));
        var query = stats.Operations[HttpMethod.Post];
        Assert.Equal(["application/json"], query.RequestBody!.Content!.Keys);
        Assert.Contains("400", query.Responses!.Keys);
        Assert.True(document.Paths.TryGetValue("/api/stats/records", out var records), "The document does not list /api/stats/records.");
        Assert.Equal(["recid", "start_date", "end_date"], records.Operations![HttpMethod.Get].Parameters!.Select(p => p.Name));
    }

    [Fact]
    public async Task EachStatsAnswerShapeIsDocumentedUnderItsName()
    {
        using var client = dashboard.CreateClient();
        await using var body = await client.GetStreamAsync(new Uri("/openapi/v1.json", UriKind.Relative), TestContext.Current.CancellationToken);
        var (document, _) = await OpenApiDocument.LoadAsync(body, "json", cancellationToken: TestContext.Current.CancellationToken);

        var ok = document!.Paths!["/api/stats"].Operations![HttpMethod.Post].Responses!["200"];
        var answers = ok.Content!["application/json"].Schema!.AdditionalProperties!.OneOf!.ToDictionary(s => s.Title!, StringComparer.Ordinal);
        var stats = dashboard.Services.GetRequiredService<StatRegistry>().All.Select(s => s.Name).ToList();

        Assert.Equal(stats, answers.Keys);
        Assert.Equal(
            ["start_date", "end_date", "recid", "parent_recid", "views", "unique_views"],
            answers["record-view"].Properties!.Keys);
        var histogram = answers["bucket-file-download-histogram"];
        Assert.Equal(["interval", "key_type", "start_date", "end_date", "buckets"], histogram.Properties!.Keys);
        Assert.Equal(JsonSchemaType.Integer, histogram.Properties["buckets"].Items!.Properties!["key"].Type);
        Assert.Equal(
            ["key", "date", "value", "downloads", "unique_downloads", "data_volume", "bucket_id", "file_key"],
            histogram.Properties["buckets"].Items!.Properties!.Keys);
        Assert.Equal(JsonSchemaType.String | JsonSchemaType.Null, answers["record-view"].Properties!["start_date"].Type);
    }
}
