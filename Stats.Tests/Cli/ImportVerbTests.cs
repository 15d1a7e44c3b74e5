using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Stats.Core.Data;
using Stats.Tests.Core.Import;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Cli;

public sealed class ImportVerbTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ImportingAGeneratedLogStoresItsEventsAndSummarisesEveryLine()
    {
        using var folder = new TempFolder();
        var database = folder.Combine("data", "stats.db");
        var log = AccessLogSamples.Generate(1_500, badLines: [1, 250, 251, 1_499]);
        var path = folder.Combine("access.log");
        await File.WriteAllLinesAsync(path, log.Lines, Cancellation);

        var result = await DashboardProcess.RunAsync(SqliteSettings(database), "import", path);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(1_500, Count(result.StandardOutput, "Lines read"));
        Assert.Equal(log.Events, Count(result.StandardOutput, "Events imported"));
        Assert.Equal(0, Count(result.StandardOutput, "Duplicates"));
        Assert.Equal(log.SkippedTotal, Count(result.StandardOutput, "Skipped"));
        foreach (var (reason, count) in log.Skipped)
        {
            Assert.Equal(count, Count(result.StandardOutput, reason));
        }

        Assert.Equal(4, Count(result.StandardOutput, "Bad lines"));
        Assert.Contains($"{path}: lines 1, 250, 251, 1499", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"access.log: 1,500 lines, {log.Events:N0} events imported", result.StandardOutput, StringComparison.Ordinal);
        Assert.Empty(result.StandardError);
        Assert.Equal(log.Events, await StoredEventsAsync(database));
    }

    [Fact]
    public async Task NoClientAddressOrUserAgentOfTheLogIsPrintedOrStored()
    {
        using var folder = new TempFolder();
        var database = folder.Combine("data", "stats.db");
        var log = AccessLogSamples.Generate(800, badLines: [1, 2, 3, 400]);
        var path = folder.Combine("access.log.gz");
        await WriteGzipAsync(path, log.Lines);

        var result = await DashboardProcess.RunAsync(SqliteSettings(database), "import", path);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(log.Events, await StoredEventsAsync(database));
        var stored = Directory.GetFiles(Path.GetDirectoryName(database)!).Select(File.ReadAllBytes).ToList();
        Assert.NotEmpty(stored);
        foreach (var secret in AccessLogSamples.Clients.SelectMany(c => new[] { c.Ip, c.UserAgent }).Append("jdoe"))
        {
            Assert.DoesNotContain(secret, result.StandardOutput, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(secret, result.StandardError, StringComparison.OrdinalIgnoreCase);
            foreach (var bytes in stored)
            {
                Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)) < 0, $"The database holds '{secret}'.");
                Assert.True(bytes.AsSpan().IndexOf(Encoding.Unicode.GetBytes(secret)) < 0, $"The database holds '{secret}' (UTF-16).");
            }
        }
    }

    [Fact]
    public async Task ImportingTheSameFilesAgainStoresNothingTwice()
    {
        using var folder = new TempFolder();
        var database = folder.Combine("stats.db");
        var log = AccessLogSamples.Generate(300, badLines: []);
        var path = folder.Combine("access.log");
        await File.WriteAllLinesAsync(path, log.Lines, Cancellation);
        var first = await DashboardProcess.RunAsync(SqliteSettings(database), "import", path, "--batch", "64");

        var second = await DashboardProcess.RunAsync(SqliteSettings(database), "import", path, "--batch", "64");

        Assert.True(first.ExitCode == 0 && second.ExitCode == 0, first + "\n" + second);
        Assert.Equal(0, Count(second.StandardOutput, "Events imported"));
        Assert.Equal(log.Events, Count(second.StandardOutput, "Duplicates"));
        Assert.Equal(log.Events, await StoredEventsAsync(database));
    }

    [Fact]
    public async Task AMissingFileExitsOneWithOneLineAndTheOtherFilesAreImported()
    {
        using var folder = new TempFolder();
        var database = folder.Combine("stats.db");
        var log = folder.Combine("access.log.1.gz");
        await WriteGzipAsync(log, AccessLogSamples.MixedDay());
        var events = folder.Combine("events.ndjson");
        await File.WriteAllLinesAsync(events,
        [
            """{"type":"record-published","timestamp":"2024-06-14T08:00:00Z","recid":"7654321","owner_id":"42","access_right":"open","id":"pub-7654321"}""",
            """{"type":"record-view","timestamp":"2024-06-15T08:00:00Z","recid":"7654321","via_api":"yes"}""",
        ], Cancellation);
        var missing = folder.Combine("access.log.2.gz");

        var result = await DashboardProcess.RunAsync(SqliteSettings(database), "import", log, missing, events);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal($"import: {missing}: no such file", Assert.Single(result.ErrorLines));
        Assert.Equal(11, Count(result.StandardOutput, "Events imported"));
        Assert.Contains("(1 unreadable)", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"{events}: line 2", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("field 'via_api' must be true or false", result.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(11, await StoredEventsAsync(database));
    }

    [Theory]
    [InlineData("import needs at least one file.", "import")]
    [InlineData("Option '--format' is auto, combined, ndjson, invenio-events, invenio-aggregates or csv, not 'w3c'.", "import", "access.log", "--format", "w3c")]
    [InlineData("--format csv needs --mapping <name>, a mapping of Stats:Import:Csv.", "import", "table.csv", "--format", "csv")]
    [InlineData("No mapping 'old' in Stats:Import:Csv (none is configured).", "import", "table.csv", "--format", "csv", "--mapping", "old")]
    [InlineData("Option '--batch' needs a whole number from 1 to 50,000, not '0'.", "import", "access.log", "--batch", "0")]
    [InlineData("Option '--batch' of 'import' needs a value.", "import", "access.log", "--batch")]
    public async Task UsageErrorsExitTwoWithTheReason(string reason, params string[] args)
    {
        using var folder = new TempFolder();

        var result = await DashboardProcess.RunAsync(SqliteSettings(folder.Combine("stats.db")), args);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal(reason, result.ErrorLines[0]);
        Assert.False(File.Exists(folder.Combine("stats.db")), "A usage error must not touch the store.");
    }

    [Fact]
    public async Task AWrongRouteSettingStopsWithOneLineNamingIt()
    {
        using var folder = new TempFolder();
        var settings = SqliteSettings(folder.Combine("stats.db"));
        settings["Stats__Import__Routes__0__Pattern"] = "/records/{id}";
        settings["Stats__Import__Routes__0__Type"] = "record-view";

        var result = await DashboardProcess.RunAsync(settings, "import", folder.Combine("access.log"));

        Assert.True(result.ExitCode == 1, result.ToString());
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("Configuration error: Stats:Import:Routes:0: ", line, StringComparison.Ordinal);
        Assert.Contains("{id}", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HelpDescribesTheImportVerb()
    {
        var result = await DashboardProcess.RunAsync(new Dictionary<string, string>(), "--help");

        Assert.Contains("import <file|folder> [...] [--format auto|combined|ndjson|invenio-events|invenio-aggregates|csv] [--mapping name] [--batch N]", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnInvenioAggregateDumpWithoutAFormatIsRecognisedAndStoredAsDailyNumbersNotEvents()
    {
        using var folder = new TempFolder();
        var database = folder.Combine("data", "stats.db");
        var path = folder.Combine("stats-record-view.json.gz");
        await WriteGzipAsync(path,
        [
            """{"_index":"stats-record-view-2024-05","_id":"a","_source":{"timestamp":"2024-05-01T00:00:00","count":10,"unique_count":7,"recid":"rec-a","parent_recid":"c-a","unique_id":"ui_rec-a"}}""",
            """{"_index":"stats-record-view-2024-05","_id":"b","_source":{"timestamp":"2024-05-02T00:00:00","count":4,"unique_count":3,"recid":"rec-a","parent_recid":"c-a","unique_id":"ui_rec-a"}}""",
            """{"_index":"stats-record-view-2024-05","_id":"c","_source":{"timestamp":"2024-05-01T00:00:00","count":5,"unique_count":5,"recid":"rec-b","parent_recid":"c-b","unique_id":"ui_rec-b"}}""",
        ]);

        var result = await DashboardProcess.RunAsync(SqliteSettings(database), "import", path);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("3 lines, 3 rows imported", result.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(0, await StoredEventsAsync(database));
        await using var context = new StatsDbContextFactory(DatabaseProvider.Sqlite, $"Data Source={database}").CreateDbContext();
        var imported = await context.ImportedDailyAggregates.OrderBy(a => a.UniqueId).ThenBy(a => a.Day).ToListAsync(Cancellation);
        Assert.Equal(
            [("ui_rec-a", new DateOnly(2024, 5, 1), 10, 7), ("ui_rec-a", new DateOnly(2024, 5, 2), 4, 3), ("ui_rec-b", new DateOnly(2024, 5, 1), 5, 5)],
            imported.Select(a => (a.UniqueId, a.Day, a.Count, a.UniqueCount)));
    }

    /// <summary>The number on a summary row (<c>  Events imported       1,234</c>).</summary>
    private static long Count(string output, string label)
    {
        var match = Regex.Match(output, $@"^ +{Regex.Escape(label)} +([\d,]+)", RegexOptions.Multiline);
        Assert.True(match.Success, $"No '{label}' row in:\n{output}");
        return long.Parse(match.Groups[1].Value.Replace(",", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<int> StoredEventsAsync(string database)
    {
        await using var context = new StatsDbContextFactory(DatabaseProvider.Sqlite, $"Data Source={database}").CreateDbContext();
        return await context.RawEvents.CountAsync(Cancellation);
    }

    private static async Task WriteGzipAsync(string path, IEnumerable<string> lines)
    {
        await using var file = File.Create(path);
        await using var gzip = new GZipStream(file, CompressionLevel.Optimal);
        await gzip.WriteAsync(Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n"), Cancellation);
    }

    private static Dictionary<string, string> SqliteSettings(string file) => new()
    {
        ["Stats__Database__Provider"] = "Sqlite",
        ["Stats__Database__ConnectionString"] = $"Data Source={file}",
        // The samples are logs of 2024: retention (on by default) would reject them as too old.
        ["Stats__Retention__RawEventMaxAgeDays"] = "0",
    };
}
