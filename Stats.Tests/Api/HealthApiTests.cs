using System.Net;
using System.Net.Http.Json;
using Stats.Dashboard.Api;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Api;

public sealed class HealthApiTests(DashboardFactory dashboard) : IClassFixture<DashboardFactory>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task HealthzIsHealthyOnceTheStoreIsMigratedOnStart()
    {
        using var client = dashboard.CreateClient();

        using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative), Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var report = await response.Content.ReadFromJsonAsync<HealthReport>(Cancellation);
        Assert.NotNull(report);
        Assert.Equal(("healthy", true, "Sqlite", null), (report.Status, report.DatabaseReachable, report.Provider, report.Error));
        Assert.Empty(report.PendingMigrations);
        Assert.True(File.Exists(dashboard.DatabasePath));
    }

    [Fact]
    public async Task HealthzIsUnavailableWhileMigrationsArePending()
    {
        await using var unmigrated = new DashboardFactory(new Dictionary<string, string?> { ["Stats:Database:MigrateOnStart"] = "false" });
        // An empty file is an empty SQLite database: reachable, but without a schema.
        Directory.CreateDirectory(Path.GetDirectoryName(unmigrated.DatabasePath)!);
        await File.WriteAllBytesAsync(unmigrated.DatabasePath, [], Cancellation);
        await unmigrated.InitializeAsync();
        using var client = unmigrated.CreateClient();

        using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative), Cancellation);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var report = await response.Content.ReadFromJsonAsync<HealthReport>(Cancellation);
        Assert.NotNull(report);
        Assert.Equal(("unhealthy", true), (report.Status, report.DatabaseReachable));
        Assert.NotEmpty(report.PendingMigrations);
        Assert.Contains("migrate", report.Error, StringComparison.Ordinal);
    }
}
