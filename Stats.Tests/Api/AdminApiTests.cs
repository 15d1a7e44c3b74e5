using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stats.Core.Access;
using Stats.Core.Data;
using Stats.Core.Ingestion;
using Stats.Dashboard.Api;
using Stats.Tests.Builders;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Api;

public sealed class AdminApiTests : IClassFixture<DashboardFactory>
{
    private readonly DashboardFactory _dashboard;

    public AdminApiTests(DashboardFactory dashboard)
    {
        _dashboard = dashboard;
    }

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static Task<HttpResponseMessage> EraseAsync(HttpClient client, string body) =>
        client.PostAsync(new Uri("/api/admin/erase-user", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"), Cancellation);

    /// <summary>Events of a user id of its own, a minute ago: today's salt (or yesterday's, just after midnight) is there.</summary>
    private async Task<(string UserId, DateOnly Day)> IngestTwoViewsOfANewUserAsync()
    {
        var userId = "user-" + Guid.NewGuid().ToString("N");
        var at = DateTimeOffset.UtcNow.AddMinutes(-1);
        var result = await _dashboard.Services.GetRequiredService<EventIngestor>().IngestAsync(
            [TestEvents.View("rec-1", at, userId: userId), TestEvents.View("rec-2", at, userId: userId), TestEvents.View("rec-1", at, userId: "someone-else")],
            Cancellation);
        Assert.Equal(3, result.Accepted);
        return (userId, DateOnly.FromDateTime(at.UtcDateTime));
    }

    private async Task<int> StoredEventsAtAsync(DateOnly day)
    {
        var start = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        await using var context = await _dashboard.Services.GetRequiredService<IDbContextFactory<StatsDbContext>>().CreateDbContextAsync(Cancellation);
        return await context.RawEvents.CountAsync(e => e.Timestamp >= start && e.Timestamp < start.AddDays(1), Cancellation);
    }

    [Fact]
    public async Task WithoutAKeyTheAnswerIs401()
    {
        using var client = _dashboard.CreateClient();

        using var response = await EraseAsync(client, """{"user_id": "alice"}""");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task AKeyWithoutTheAdminScopeIs403()
    {
        using var client = await _dashboard.CreateClientWithKeyAsync(ApiScopes.Ingest, ApiScopes.Read);

        using var response = await EraseAsync(client, """{"user_id": "alice"}""");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<ProblemDetails>(Cancellation);
        Assert.Equal("The key 'test' does not have the 'admin' scope.", problem?.Detail);
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"user_id": "  "}""")]
    [InlineData("""{"dry_run": true}""")]
    [InlineData("""null""")]
    [InlineData("""not json""")]
    public async Task AMissingUserIdIs400WithProblemDetails(string body)
    {
        using var client = await _dashboard.CreateClientWithKeyAsync(ApiScopes.Admin);

        using var response = await EraseAsync(client, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<ProblemDetails>(Cancellation);
        Assert.Equal("The request is not a valid erasure", problem?.Title);
    }

    [Fact]
    public async Task AnAdminKeyErasesTheUsersEventsAndOnlyThose()
    {
        var (userId, day) = await IngestTwoViewsOfANewUserAsync();
        var before = await StoredEventsAtAsync(day);
        using var client = await _dashboard.CreateClientWithKeyAsync(ApiScopes.Admin);

        using var response = await EraseAsync(client, $$"""{"user_id": "{{userId}}"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<EraseUserResponse>(Cancellation);
        Assert.NotNull(body);
        Assert.False(body.DryRun);
        Assert.Equal(2, body.EventsDeleted);
        Assert.Contains(new ErasedDayResponse(day, 2), body.DaysSearched);
        Assert.Empty(body.DaysNotSearchable.Intersect(body.DaysSearched.Select(d => d.Day)));
        Assert.Equal(before - 2, await StoredEventsAtAsync(day));
    }

    [Fact]
    public async Task ADryRunCountsWithoutDeleting()
    {
        var (userId, day) = await IngestTwoViewsOfANewUserAsync();
        var before = await StoredEventsAtAsync(day);
        using var client = await _dashboard.CreateClientWithKeyAsync(ApiScopes.Admin);

        using var response = await EraseAsync(client, $$"""{"user_id": "{{userId}}", "dry_run": true}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.Contains("\"dry_run\":true", json, StringComparison.Ordinal);
        Assert.Contains("\"events_deleted\":2", json, StringComparison.Ordinal);
        Assert.Contains($$"""{"day":"{{day:yyyy-MM-dd}}","events":2}""", json, StringComparison.Ordinal);
        Assert.Equal(before, await StoredEventsAtAsync(day));
    }
}
