using System.Net;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Api;

public sealed class PagesTests(DashboardFactory dashboard) : IClassFixture<DashboardFactory>
{
    [Fact]
    public async Task OverviewPageRendersHtml()
    {
        using var client = dashboard.CreateClient();

        using var response = await client.GetAsync(new Uri("/", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.StartsWith("<!DOCTYPE html>", html.TrimStart(), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("_framework/blazor.web", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownPageGetsTheDashboardsNotFoundPage()
    {
        using var client = dashboard.CreateClient();

        using var response = await client.GetAsync(new Uri("/no-such-panel", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task AnUnknownApiPathGetsProblemDetailsNotAPage()
    {
        using var client = dashboard.CreateClient();

        using var response = await client.GetAsync(new Uri("/api/no-such-thing", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
