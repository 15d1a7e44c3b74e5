using Microsoft.EntityFrameworkCore;
using Stats.Core.Data;
using Stats.Tests.Builders;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Cli;

/// <summary>The <c>export-openaire</c> verb, run as an operator runs it, on today's real date, against a Matomo stand-in.</summary>
public sealed class ExportOpenAireVerbTests
{
    private const string Token = "verb-secret-0815";

    private static readonly DateTimeOffset s_noon = new(2024, 5, 15, 12, 0, 0, TimeSpan.Zero);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static Dictionary<string, string> Settings(TestStore store, MatomoStandIn matomo, bool withToken = true)
    {
        var settings = new Dictionary<string, string>
        {
            ["Stats__Database__Provider"] = "Sqlite",
            ["Stats__Database__ConnectionString"] = store.ConnectionString,
            ["Stats__OpenAire__TrackingUrl"] = matomo.TrackingUrl.ToString(),
            ["Stats__OpenAire__SiteId"] = "42",
            ["Stats__OpenAire__RecordUrlTemplate"] = "https://repo.example.org/records/{recid}",
            ["Stats__OpenAire__FileUrlTemplate"] = "https://repo.example.org/records/{recid}/files/{file_key}",
            ["Stats__OpenAire__FirstDay"] = "2024-05-15",
        };
        if (withToken)
        {
            settings["Stats__OpenAire__TokenAuth"] = Token;
        }

        return settings;
    }

    private static async Task<TestStore> StoreWithADayAsync()
    {
        var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var ingestion = new IngestionHarness(store);
        await ingestion.IngestAsync(
            TestEvents.View("123", s_noon, sessionId: "s-1"),
            TestEvents.View("123", s_noon.AddMinutes(1), userAgent: "Googlebot/2.1 (+http://www.google.com/bot.html)"),
            TestEvents.Download("123", "data.csv", s_noon.AddMinutes(2), sessionId: "s-1"));
        await ingestion.AggregateAsync();
        return store;
    }

    [Fact]
    public async Task TheDryRunPrintsOneRequestPerCountedClickWithoutTheTokenAndSendsNothing()
    {
        await using var store = await StoreWithADayAsync();
        await using var matomo = await MatomoStandIn.StartAsync();

        var result = await DashboardProcess.RunAsync(Settings(store, matomo), "export-openaire", "--day", "2024-05-15", "--dry-run");

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(
            [("2024-05-15 12:00:00", "https://repo.example.org/records/123"), ("2024-05-15 12:02:00", "https://repo.example.org/records/123/files/data.csv")],
            lines.Select(MatomoPost.Parameters).Select(p => (p["cdt"], p["url"])));
        Assert.DoesNotContain(Token, result.StandardOutput + result.StandardError, StringComparison.Ordinal);
        Assert.Empty(matomo.Posts);
        await using var context = store.CreateContext();
        Assert.False(await context.ExportBookmarks.AnyAsync(Cancellation));
    }

    [Fact]
    public async Task WithoutADayTheVerbSendsThePendingDaysOnceAndSaysSo()
    {
        await using var store = await StoreWithADayAsync();
        await using var matomo = await MatomoStandIn.StartAsync();

        var first = await DashboardProcess.RunAsync(Settings(store, matomo), "export-openaire");
        var second = await DashboardProcess.RunAsync(Settings(store, matomo), "export-openaire");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("2024-05-15  2 of 2 request(s) sent", first.StandardOutput, StringComparison.Ordinal);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("Nothing to export", second.StandardOutput, StringComparison.Ordinal);
        var post = Assert.Single(matomo.Posts);
        Assert.Equal(Token, post.TokenAuth);
        Assert.Equal(2, post.Requests.Count);
        Assert.DoesNotContain(Token, first.StandardOutput + first.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADayThatIsNotADateIsBadUsage()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var matomo = await MatomoStandIn.StartAsync();

        var result = await DashboardProcess.RunAsync(Settings(store, matomo), "export-openaire", "--day", "15/05/2024");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--day takes a UTC date as yyyy-MM-dd", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendingWithoutTheTokenFailsInOneLineNamingTheSetting()
    {
        await using var store = await StoreWithADayAsync();
        await using var matomo = await MatomoStandIn.StartAsync();

        var result = await DashboardProcess.RunAsync(Settings(store, matomo, withToken: false), "export-openaire");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("export-openaire: Stats:OpenAire:TokenAuth is not set.", result.ErrorLines);
        Assert.Empty(matomo.Posts);
    }
}
