using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Stats.Core.Data;
using Stats.Tests.Builders;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Cli;

/// <summary>The <c>purge</c> and <c>erase-user</c> verbs, run as an operator runs them, on today's real date.</summary>
public sealed class RetentionVerbsTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static Dictionary<string, string> Settings(TestStore store, params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string>
        {
            ["Stats__Database__Provider"] = "Sqlite",
            ["Stats__Database__ConnectionString"] = store.ConnectionString,
        };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateTimeOffset Noon(DateOnly day) => new(day.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero);

    private static async Task<int> StoredEventsAsync(TestStore store)
    {
        await using var context = store.CreateContext();
        return await context.RawEvents.CountAsync(Cancellation);
    }

    [Fact]
    public async Task HelpListsTheRetentionVerbs()
    {
        var result = await DashboardProcess.RunAsync(new Dictionary<string, string>(), "--help");

        Assert.Contains("purge [--dry-run]", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("erase-user <user-id> [--dry-run]", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PurgePrintsEachDayAndATotalAndADryRunPrintsTheSameWithoutDeleting()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var (old, unaggregated, recent) = (today.AddDays(-300), today.AddDays(-250), today.AddDays(-1));
        await using (var ingestion = new IngestionHarness(store, now: DateTimeOffset.UtcNow))
        {
            await ingestion.IngestAsync(
                TestEvents.View("rec-1", Noon(old)), TestEvents.View("rec-2", Noon(old)), TestEvents.View("rec-3", Noon(old)),
                TestEvents.View("rec-1", Noon(unaggregated)),
                TestEvents.View("rec-1", Noon(recent)), TestEvents.View("rec-2", Noon(recent)));
        }

        await using (var context = store.CreateContext())
        {
            // No aggregator on this branch: the days are marked aggregated directly.
            await FakeAggregation.MarkAggregatedAsync(context, DateTime.UtcNow, old, recent);
        }

        var plan = await DashboardProcess.RunAsync(Settings(store), "purge", "--dry-run");

        Assert.True(plan.ExitCode == 0, plan.ToString());
        var planned = plan.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("Raw events of aggregated days before ", planned[0], StringComparison.Ordinal);
        Assert.EndsWith("(dry run: nothing is deleted):", planned[0], StringComparison.Ordinal);
        Assert.Equal(
            [$"  {Day(old)}             3 events would be deleted",
             $"Skipped 1 day(s) not aggregated yet, kept until they are: {Day(unaggregated)}",
             "Total: 3 raw events would be deleted on 1 day(s)."],
            planned[1..]);
        Assert.Equal(6, await StoredEventsAsync(store));

        var purge = await DashboardProcess.RunAsync(Settings(store), "purge");

        Assert.True(purge.ExitCode == 0, purge.ToString());
        var done = purge.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(
            [$"  {Day(old)}             3 events deleted",
             $"Skipped 1 day(s) not aggregated yet, kept until they are: {Day(unaggregated)}",
             "Total: 3 raw events deleted on 1 day(s)."],
            done[1..]);
        Assert.Equal(3, await StoredEventsAsync(store));
    }

    [Fact]
    public async Task PurgeWithRetentionOffSaysSoAndDeletesNothing()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);

        var result = await DashboardProcess.RunAsync(Settings(store, ("Stats__Retention__RawEventMaxAgeDays", "0")), "purge");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("Retention is off (Stats:Retention:RawEventMaxAgeDays is 0)", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PurgeWithAnArgumentIsBadUsage()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);

        var result = await DashboardProcess.RunAsync(Settings(store), "purge", "now");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("Usage: purge [--dry-run]", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ANegativeMaximumAgeStopsWithOneLineNamingTheSetting()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);

        var result = await DashboardProcess.RunAsync(Settings(store, ("Stats__Retention__RawEventMaxAgeDays", "-1")), "purge");

        Assert.True(result.ExitCode == 1, result.ToString());
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("Configuration error:", line, StringComparison.Ordinal);
        Assert.Contains("Stats:Retention:RawEventMaxAgeDays is -1", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EraseUserPrintsTheDaysSearchedTheDaysNotSearchableAndTheEventsDeleted()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        var now = DateTimeOffset.UtcNow;
        var today = DateOnly.FromDateTime(now.AddMinutes(-1).UtcDateTime);
        var old = today.AddDays(-10);
        await using (var then = new IngestionHarness(store, now: Noon(old).AddMinutes(1)))
        {
            await then.IngestAsync(TestEvents.View("rec-1", Noon(old), userId: "alice"));
        }

        await using (var ingestion = new IngestionHarness(store, now: now))
        {
            // Today has a salt; ten days ago has none any more: it was destroyed a day after that day.
            await ingestion.IngestAsync(
                TestEvents.View("rec-1", now.AddMinutes(-1), userId: "alice"), TestEvents.View("rec-2", now.AddMinutes(-1), userId: "alice"),
                TestEvents.View("rec-1", now.AddMinutes(-1), userId: "bob"));
            await ingestion.Salts.DestroyExpiredAsync(Cancellation);
        }

        var plan = await DashboardProcess.RunAsync(Settings(store), "erase-user", "alice", "--dry-run");
        var erase = await DashboardProcess.RunAsync(Settings(store), "erase-user", "alice");

        Assert.True(plan.ExitCode == 0, plan.ToString());
        Assert.Equal(
            [$"Days searched (they still have a salt): 1 (dry run: nothing is deleted)",
             $"  {Day(today)}             2 events would be deleted",
             $"Days not searchable: 1 ({Day(old)} to {Day(old)}): their salts are destroyed, so their raw events cannot be linked to anyone and hold no personal data of the user.",
             "Total: 2 raw events would be deleted."],
            plan.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.True(erase.ExitCode == 0, erase.ToString());
        Assert.Equal(
            [$"Days searched (they still have a salt): 1",
             $"  {Day(today)}             2 events deleted",
             $"Days not searchable: 1 ({Day(old)} to {Day(old)}): their salts are destroyed, so their raw events cannot be linked to anyone and hold no personal data of the user.",
             "Total: 2 raw events deleted; their days are marked for re-aggregation."],
            erase.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("alice", erase.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(2, await StoredEventsAsync(store));
    }

    [Theory]
    [InlineData]
    [InlineData("alice", "bob")]
    public async Task EraseUserNeedsExactlyOneUserId(params string[] words)
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);

        var result = await DashboardProcess.RunAsync(Settings(store), ["erase-user", .. words]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("erase-user needs exactly one user id. Usage: erase-user <user-id> [--dry-run]", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImportAcceptsHistoryOlderThanTheRetentionPeriodAggregatesItAndPurgeThenDeletesItsRawEvents()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        using var folder = new TempFolder();
        var file = folder.Combine("events.ndjson");
        var recent = DateTimeOffset.UtcNow.AddHours(-1).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        await File.WriteAllLinesAsync(
            file,
            ["""{"type":"record-view","timestamp":"2024-06-15T08:00:00Z","recid":"7654321"}""", $$"""{"type":"record-view","timestamp":"{{recent}}","recid":"7654321"}"""],
            Cancellation);

        var result = await DashboardProcess.RunAsync(Settings(store), "import", file);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"  {"Events imported",-22}{2,12:N0}", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"  {"Bad lines",-22}{0,12:N0}", result.StandardOutput, StringComparison.Ordinal);
        var old = new DateOnly(2024, 6, 15);
        await using (var context = store.CreateContext())
        {
            // Aggregated when the import ended, not left for the background aggregator.
            Assert.Equal(1, (await AggregateReader.RecordAsync(context, "7654321", old)).Views);
        }

        var purge = await DashboardProcess.RunAsync(Settings(store), "purge");

        Assert.True(purge.ExitCode == 0, purge.ToString());
        Assert.Contains($"  {Day(old)}             1 events deleted", purge.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(1, await StoredEventsAsync(store));
        await using var after = store.CreateContext();
        Assert.Equal(1, (await AggregateReader.RecordAsync(after, "7654321", old)).Views);
    }
}
