using Microsoft.EntityFrameworkCore;
using Stats.Core.Data;
using Stats.Core.Events;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Cli;

public sealed class CommandLineTests
{
    private static readonly Dictionary<string, string> s_noSettings = [];

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task HelpExitsZeroAndListsTheVerbs()
    {
        var result = await DashboardProcess.RunAsync(s_noSettings, "--help");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Usage:", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("migrate ", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("seed-demo ", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownVerbExitsNonZeroWithTheUsage()
    {
        var result = await DashboardProcess.RunAsync(s_noSettings, "frobnicate");

        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.Contains("Unknown verb 'frobnicate'.", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("Usage:", result.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("migrate")]
    [InlineData("--urls=http://127.0.0.1:0")]
    public async Task UnknownProviderStopsWithOneLineNamingTheSetting(string arg)
    {
        var result = await DashboardProcess.RunAsync(new Dictionary<string, string> { ["Stats__Database__Provider"] = "Oracle" }, arg);

        Assert.True(result.ExitCode != 0, result.ToString());
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("Configuration error:", line, StringComparison.Ordinal);
        Assert.Contains("Stats:Database:Provider", line, StringComparison.Ordinal);
        Assert.Contains("Oracle", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerProviderWithoutConnectionStringStopsWithOneLineNamingTheSetting()
    {
        var result = await DashboardProcess.RunAsync(new Dictionary<string, string> { ["Stats__Database__Provider"] = "PostgreSql" }, "migrate");

        Assert.True(result.ExitCode != 0, result.ToString());
        var line = Assert.Single(result.ErrorLines);
        Assert.Contains("Stats:Database:ConnectionString", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MigrateCreatesTheSqliteFileWithTheWholeSchema()
    {
        using var folder = new TempFolder();
        var file = folder.Combine("data", "stats.db");

        var result = await DashboardProcess.RunAsync(SqliteSettings(file), "migrate");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(File.Exists(file), $"migrate did not create {file}.");
        var contexts = new StatsDbContextFactory(DatabaseProvider.Sqlite, $"Data Source={file}");
        await using var context = contexts.CreateDbContext();
        Assert.Empty(await context.Database.GetPendingMigrationsAsync(Cancellation));
        Assert.Equal(EventCatalog.BuiltIn.Count, await context.EventTypes.CountAsync(Cancellation));
    }

    [Fact]
    public async Task SeedDemoWritesEventsThroughTheIngestionPath()
    {
        using var folder = new TempFolder();
        var file = folder.Combine("stats.db");

        var result = await DashboardProcess.RunAsync(SqliteSettings(file), "seed-demo", "--days", "3", "--records", "10");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Seeded 10 records", result.StandardOutput, StringComparison.Ordinal);
        await using var context = new StatsDbContextFactory(DatabaseProvider.Sqlite, $"Data Source={file}").CreateDbContext();
        Assert.Equal(10, await context.Records.CountAsync(Cancellation));
        var usage = await context.RawEvents.CountAsync(e => e.TypeId == EventCatalog.CodeOf(EventCatalog.RecordView), Cancellation);
        Assert.True(usage > 0, "seed-demo wrote no record views.");
        // The verb aggregates what it wrote: numbers are there at once, nothing is left waiting.
        Assert.Contains("Aggregated ", result.StandardOutput, StringComparison.Ordinal);
        Assert.False(await context.DirtyDays.AnyAsync(Cancellation), "seed-demo left days unaggregated.");
        var views = await context.UsageDailyStats.Where(s => s.Scope == StatScope.Repository).SumAsync(s => s.Views, Cancellation);
        Assert.InRange(views, 1, usage);
    }

    [Fact]
    public async Task AggregateRecomputesAForcedRangeAndPrintsEachDay()
    {
        using var folder = new TempFolder();
        var file = folder.Combine("stats.db");
        var seeded = await DashboardProcess.RunAsync(SqliteSettings(file), "seed-demo", "--days", "2", "--records", "5");
        Assert.True(seeded.ExitCode == 0, seeded.ToString());
        await using var context = new StatsDbContextFactory(DatabaseProvider.Sqlite, $"Data Source={file}").CreateDbContext();
        var lastDay = await context.AggregatedDays.MaxAsync(d => d.Day, Cancellation);
        var before = await context.UsageDailyStats.Where(s => s.Day == lastDay).SumAsync(s => s.Views, Cancellation);

        var result = await DashboardProcess.RunAsync(SqliteSettings(file), "aggregate", "--from", $"{lastDay:yyyy-MM-dd}", "--to", $"{lastDay:yyyy-MM-dd}");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"{lastDay:yyyy-MM-dd} ", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Aggregated 1 day(s)", result.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(before, await context.UsageDailyStats.Where(s => s.Day == lastDay).SumAsync(s => s.Views, Cancellation));

        var nothing = await DashboardProcess.RunAsync(SqliteSettings(file), "aggregate");
        Assert.True(nothing.ExitCode == 0, nothing.ToString());
        Assert.Contains("Nothing to aggregate", nothing.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--from", "2024-13-01")]
    [InlineData("--to", "yesterday")]
    public async Task AggregateRejectsADateThatIsNotADay(string option, string value)
    {
        using var folder = new TempFolder();

        var result = await DashboardProcess.RunAsync(SqliteSettings(folder.Combine("stats.db")), "aggregate", option, value);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(value, result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MigrateCreatesTheSchemaOnAnEmptyPostgreSqlDatabase()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.PostgreSql, migrate: false);

        var result = await DashboardProcess.RunAsync(
            new Dictionary<string, string> { ["Stats__Database__Provider"] = "PostgreSql", ["Stats__Database__ConnectionString"] = store.ConnectionString },
            "migrate");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Applied", result.StandardOutput, StringComparison.Ordinal);
        Assert.Empty(await store.Migrator().PendingMigrationsAsync(Cancellation));
        await using var context = store.CreateContext();
        Assert.Equal(EventCatalog.BuiltIn.Count, await context.EventTypes.CountAsync(Cancellation));
    }

    private static Dictionary<string, string> SqliteSettings(string file) => new()
    {
        ["Stats__Database__Provider"] = "Sqlite",
        ["Stats__Database__ConnectionString"] = $"Data Source={file}",
    };
}
