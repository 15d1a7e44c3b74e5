using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Stats.Core.Data;
using Stats.Core.Queries;
using Stats.Dashboard.Components.Pages.Users;
using Stats.Tests.Builders;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Components.Pages;

/// <summary>A panel visit over the real query services and a real store, counting the commands the store runs.</summary>
public sealed class PanelStoreQueriesTests : DashboardTestContext
{
    private static readonly DateOnly s_today = DateOnly.FromDateTime(Now.UtcDateTime);

    private readonly CommandCounter _commands = new();

    [Fact]
    public async Task TheUsersPanelRunsAsManyStoreCommandsForTwentyOwnersAsForOne()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using (var seed = new AggregateSeed(store.Contexts))
        {
            for (var i = 1; i <= 20; i++)
            {
                await seed.LabelAsync(LabelKind.Owner, $"owner-{i:00}");
                var record = await seed.RecordAsync($"record-of-owner-{i:00}", owner: $"owner-{i:00}");
                // Owner 1 was used this week; the others earlier in the month.
                seed.Usage(StatScope.Record, record.Id, i == 1 ? s_today : s_today.AddDays(-20), views: 100 - i, uniqueViews: 1, downloads: i);
            }

            await seed.SaveAsync();
        }

        using var loggers = LoggerFactory.Create(b => b.AddProvider(_commands));
        Services.AddSingleton<IUsageStats>(new UsageStats(new StatsDbContextFactory(store.Provider, store.ConnectionString, loggers), Clock));
        var navigation = Services.GetRequiredService<NavigationManager>();
        SignIn("someone"); // the ranking of owners is for signed-in users

        navigation.NavigateTo("/users?period=7d");
        var week = Render<Users>();
        week.WaitForAssertion(() => Assert.Single(week.FindAll("[data-table=top-owners] tbody tr")), TimeSpan.FromSeconds(30));
        var forOne = _commands.TakeCount();
        await DisposeComponentsAsync();

        navigation.NavigateTo("/users?period=30d");
        var month = Render<Users>();
        month.WaitForAssertion(() => Assert.Equal(20, month.FindAll("[data-table=top-owners] tbody tr").Count), TimeSpan.FromSeconds(30));
        var forTwenty = _commands.TakeCount();

        // The ranking, and the usage of every ranked owner: two commands, however many rows.
        Assert.Equal(2, forOne);
        Assert.Equal(forOne, forTwenty);
        var row = month.FindAll("[data-table=top-owners] tbody tr").Single(r => r.QuerySelector("td")!.TextContent.Trim() == "owner-07");
        Assert.Equal(["owner-07", "93", "1", "7", "0"], row.QuerySelectorAll("td").Select(td => td.TextContent.Trim()));
    }

    /// <summary>Counts the commands EF Core executes (its <c>CommandExecuted</c> log event).</summary>
    private sealed class CommandCounter : ILoggerProvider
    {
        private int _count;

        public int TakeCount() => Interlocked.Exchange(ref _count, 0);

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(CommandCounter counter) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (eventId.Id == RelationalEventId.CommandExecuted.Id)
                {
                    Interlocked.Increment(ref counter._count);
                }
            }
        }
    }
}
