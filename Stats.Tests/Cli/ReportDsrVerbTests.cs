using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Stats.Core.Access;
using Stats.Core.Data;
using Stats.Tests.Builders;
using Stats.Tests.Core.Reports;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Cli;

/// <summary>The <c>report-dsr</c> verb, run as an operator runs it, on today's real date.</summary>
public sealed class ReportDsrVerbTests
{
    private static Dictionary<string, string> Settings(TestStore store) => new()
    {
        ["Stats__Database__Provider"] = "Sqlite",
        ["Stats__Database__ConnectionString"] = store.ConnectionString,
        ["Stats__Reports__Dsr__DatasetIdentifierTemplate"] = "10.5281/zenodo.{recid}",
    };

    [Fact]
    public async Task TheVerbWritesAFileThatValidatesAgainstTheSchema()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        var noon = new DateTimeOffset(2024, 5, 15, 12, 0, 0, TimeSpan.Zero);
        await using (var ingestion = new IngestionHarness(store))
        {
            await ingestion.IngestAsync(
                TestEvents.View("123", noon, sessionId: "s-1"),
                TestEvents.Download("123", "data.csv", noon.AddMinutes(1), size: 900, sessionId: "s-1"),
                TestEvents.Download("123", "data.csv", noon.AddMinutes(2), size: 900, userAgent: "curl/8.5.0"));
            await ingestion.AggregateAsync();
        }

        using var folder = new TempFolder();
        var output = folder.Combine("dsr-2024-05.json");

        var result = await DashboardProcess.RunAsync(Settings(store), "report-dsr", "--month", "2024-05", "--output", output);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("(1 dataset(s))", result.StandardOutput, StringComparison.Ordinal);
        var json = await File.ReadAllTextAsync(output, TestContext.Current.CancellationToken);
        Assert.Empty(DsrSchema.Errors(json));
        using var document = JsonDocument.Parse(json);
        var dataset = Assert.Single(document.RootElement.GetProperty("report-datasets").EnumerateArray());
        Assert.Equal("10.5281/zenodo.123", dataset.GetProperty("dataset-id")[0].GetProperty("value").GetString());
        var instances = dataset.GetProperty("performance")[0].GetProperty("instance").EnumerateArray()
            .Select(i => $"{i.GetProperty("metric-type").GetString()} {i.GetProperty("access-method").GetString()} {i.GetProperty("count").GetInt64()}");
        Assert.Equal(
            ["total-dataset-investigations regular 2", "unique-dataset-investigations regular 1", "total-dataset-requests regular 1", "unique-dataset-requests regular 1",
             "total-dataset-investigations machine 1", "unique-dataset-investigations machine 1", "total-dataset-requests machine 1", "unique-dataset-requests machine 1"],
            instances);
    }

    [Fact]
    public async Task TheReportForAHubHoldsOnlyWhatTheAccessRulesShowToEveryone()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        var noon = new DateTimeOffset(2024, 5, 15, 12, 0, 0, TimeSpan.Zero);
        await using (var ingestion = new IngestionHarness(store))
        {
            await ingestion.IngestAsync(
                TestEvents.Published("open-1", noon.AddMonths(-1), communities: ["public-comm"]),
                TestEvents.Published("members-1", noon.AddMonths(-1), communities: ["members-comm"]),
                TestEvents.View("open-1", noon, sessionId: "s-1"),
                TestEvents.View("members-1", noon, sessionId: "s-2"));
            await ingestion.AggregateAsync();
            using var rules = new AccessRuleStore(store.Contexts, ingestion.Clock, Options.Create(new AccessOptions()), NullLogger<AccessRuleStore>.Instance);
            await rules.SetAsync(RuleTarget.Community("members-comm"), StatFamily.Usage, Audience.SignedIn, "admin", TestContext.Current.CancellationToken);
        }

        var result = await DashboardProcess.RunAsync(Settings(store), "report-dsr", "--month", "2024-05");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var document = JsonDocument.Parse(result.StandardOutput);
        var dataset = Assert.Single(document.RootElement.GetProperty("report-datasets").EnumerateArray());
        Assert.Equal("10.5281/zenodo.open-1", dataset.GetProperty("dataset-id")[0].GetProperty("value").GetString());
    }

    [Fact]
    public async Task WithoutOutputTheReportGoesToStandardOutputAndTheLogsToStandardError()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        var settings = Settings(store);
        // Every SQL command is logged at Information: none of it may end up in the JSON.
        settings["Logging__LogLevel__Default"] = "Information";
        settings["Logging__LogLevel__Microsoft.EntityFrameworkCore"] = "Information";

        var result = await DashboardProcess.RunAsync(settings, "report-dsr", "--from", "2024-01", "--to", "2024-02");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Empty(DsrSchema.Errors(result.StandardOutput));
        Assert.Contains("Warning 3030", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("Executed DbCommand", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheCurrentMonthFailsWithOneLineSayingWhy()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        var month = DateTime.UtcNow.ToString("yyyy-MM", CultureInfo.InvariantCulture);

        var result = await DashboardProcess.RunAsync(Settings(store), "report-dsr", "--month", month);

        Assert.True(result.ExitCode == 1, result.ToString());
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("No report: 3031 Usage Not Ready for Requested Dates", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--month", "2024-5")]
    [InlineData("--from", "2024-05")]
    [InlineData("--month", "2024-05-01")]
    public async Task ABadMonthIsABadUsage(string option, string value)
    {
        var result = await DashboardProcess.RunAsync(new Dictionary<string, string>(), "report-dsr", option, value);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("yyyy-MM", result.StandardError, StringComparison.Ordinal);
    }
}
