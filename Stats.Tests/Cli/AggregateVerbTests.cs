using Microsoft.Data.Sqlite;
using Stats.Core.Data;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Cli;

public sealed class AggregateVerbTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AStoreLockedForLongerThanTheVerbWaitsExitsThreeWithOneLineNamingTheCause()
    {
        await using var store = (SqliteTestStore)await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        // The verb waits one second for the lock, not the default thirty.
        var settings = new Dictionary<string, string>
        {
            ["Stats__Database__Provider"] = "Sqlite",
            ["Stats__Database__ConnectionString"] = $"Data Source={store.FilePath};Default Timeout=1",
        };
        await using var blocker = new SqliteConnection($"Data Source={store.FilePath};Pooling=False");
        await blocker.OpenAsync(Cancellation);
        await using var exclusive = blocker.CreateCommand();
        exclusive.CommandText = "BEGIN EXCLUSIVE";
        await exclusive.ExecuteNonQueryAsync(Cancellation);

        var result = await DashboardProcess.RunAsync(settings, "aggregate");

        Assert.True(result.ExitCode == 3, result.ToString());
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("aggregate: the store is unavailable (SqliteException: ", line, StringComparison.Ordinal);
        Assert.Contains("database is locked", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Nothing to aggregate", result.StandardOutput, StringComparison.Ordinal);
    }
}
