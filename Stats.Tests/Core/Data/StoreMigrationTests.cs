using Microsoft.EntityFrameworkCore;
using Stats.Core.Data;
using Stats.Core.Events;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Core.Data;

public sealed class StoreMigrationTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task MigrationsCreateTheWholeSchemaOnAnEmptyDatabase(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider, migrate: false);
        var migrator = store.Migrator();
        var pendingBefore = await migrator.PendingMigrationsAsync(Cancellation);

        var applied = await migrator.MigrateAsync(Cancellation);

        Assert.NotEmpty(pendingBefore);
        Assert.Equal(pendingBefore, applied);
        Assert.Empty(await migrator.PendingMigrationsAsync(Cancellation));
        await using var context = store.CreateContext();
        var tables = StoreInspector.Tables(context);
        Assert.Contains(tables, t => t.Contains("RawEvents", StringComparison.Ordinal));
        Assert.Contains(tables, t => t.Contains("RecordCommunities", StringComparison.Ordinal));
        foreach (var table in tables)
        {
            // Throws if the migrations left a table of the model out.
            await StoreInspector.RowsAsync(context, table);
        }
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task MigratingAnUpToDateStoreAppliesNothing(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);

        var applied = await store.Migrator().MigrateAsync(Cancellation);

        Assert.Empty(applied);
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task MigrationsSeedEveryBuiltInEventTypeWithItsFixedCode(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var context = store.CreateContext();

        var stored = await context.EventTypes.OrderBy(t => t.Id).Select(t => new { t.Id, t.Name }).ToListAsync(Cancellation);

        var expected = EventCatalog.BuiltIn.Select(d => new { Id = d.Code, d.Name }).ToList();
        Assert.Equal(expected, stored);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.SqlServer)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public void EachProvidersMigrationsMatchTheModel(DatabaseProvider provider)
    {
        // No server needed: compares the provider's model snapshot with the current model.
        using var context = new StatsDbContextFactory(provider, PlaceholderConnectionString(provider)).CreateDbContext();

        Assert.False(context.Database.HasPendingModelChanges(), $"The {provider} migrations are behind the model: add a migration for every provider.");
    }

    internal static string PlaceholderConnectionString(DatabaseProvider provider) => provider switch
    {
        DatabaseProvider.Sqlite => "Data Source=unused.db",
        DatabaseProvider.SqlServer => "Server=unused;Database=stats",
        _ => "Host=unused;Database=stats",
    };
}
