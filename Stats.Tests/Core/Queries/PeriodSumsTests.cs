using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Stats.Core.Aggregation;
using Stats.Core.Data;
using Stats.Core.Import.Aggregates;
using Stats.Core.Queries;
using Stats.Tests.Builders;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Core.Queries;

/// <summary>
/// The repository's top records and countries summed from <see cref="PeriodSums"/>' month and day blocks answer exactly what
/// the database's queries answer, for any period and after every kind of change to the aggregates or the catalog.
/// </summary>
public sealed class PeriodSumsTests
{
    private static readonly DateOnly s_first = new(2023, 11, 20);
    private static readonly DateOnly s_today = DateOnly.FromDateTime(TestStats.Now.UtcDateTime);
    private static readonly string[] s_countries = ["DE", "FR", "US", "ZZ", "BR"];

    /// <summary>
    /// Month boundaries, single days, a leap day, a month less its last day once both are kept, year ranges, today, a future
    /// end, a day without data.
    /// </summary>
    private static readonly Period[] s_periods =
    [
        new(new DateOnly(2024, 2, 1), new DateOnly(2024, 2, 29)),
        new(new DateOnly(2024, 2, 29), new DateOnly(2024, 2, 29)),
        new(new DateOnly(2024, 2, 1), new DateOnly(2024, 2, 28)),
        new(new DateOnly(2024, 3, 1), new DateOnly(2024, 3, 1)),
        new(new DateOnly(2024, 1, 15), new DateOnly(2024, 3, 10)),
        new(new DateOnly(2023, 12, 31), new DateOnly(2024, 1, 1)),
        new(new DateOnly(2023, 6, 21), s_today),
        new(s_first, s_today),
        new(s_today, s_today),
        new(new DateOnly(2024, 6, 1), new DateOnly(2024, 7, 31)),
        new(new DateOnly(2024, 1, 1), new DateOnly(2024, 5, 31)),
        new(new DateOnly(2023, 1, 1), new DateOnly(2023, 1, 31)),
    ];

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task RankingsSummedFromBlocksEqualTheDatabasesForManyPeriods(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await SeedUsageAsync(store);
        using var sums = new PeriodSums(store.Contexts, NewNotifier(), 64L * 1024 * 1024);
        var (cached, database) = (Stats(store, sums), Stats(store));

        // Twice: the second round reads the blocks the first one kept.
        for (var round = 0; round < 2; round++)
        {
            foreach (var period in s_periods)
            {
                await AssertSameAsync(cached, database, period);
            }
        }

        Assert.True(sums.Size.Blocks > 0);
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task ARecordDeletedAfterItsSumsWereKeptLeavesTheRankingAtOnce(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await SeedUsageAsync(store);
        using var sums = new PeriodSums(store.Contexts, NewNotifier(), 64L * 1024 * 1024);
        var (cached, database) = (Stats(store, sums), Stats(store));
        var year = new Period(new DateOnly(2023, 6, 21), s_today);
        var top = (await cached.TopRecordsAsync(new RecordSet(), UsageMetric.Views, year, null, 3, Cancellation)).Records[0].Recid;

        await using (var context = store.CreateContext())
        {
            await context.Records.Where(r => r.ExternalId == top)
                .ExecuteUpdateAsync(u => u.SetProperty(r => r.DeletedAt, new DateTime(2024, 6, 20, 0, 0, 0, DateTimeKind.Utc)), Cancellation);
        }

        var after = await cached.TopRecordsAsync(new RecordSet(), UsageMetric.Views, year, null, 3, Cancellation);
        Assert.DoesNotContain(after.Records, r => r.Recid == top);
        await AssertSameAsync(cached, database, year);

        await using (var context = store.CreateContext())
        {
            await context.Records.Where(r => r.ExternalId == top).ExecuteUpdateAsync(u => u.SetProperty(r => r.DeletedAt, (DateTime?)null), Cancellation);
        }

        Assert.Equal(top, (await cached.TopRecordsAsync(new RecordSet(), UsageMetric.Views, year, null, 3, Cancellation)).Records[0].Recid);
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task LateEventsAggregatedForAPastDayReachTheKeptMonthAndDay(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        using var sums = new PeriodSums(store.Contexts, ingestion.Notifier, 64L * 1024 * 1024);
        var (cached, database) = (Stats(store, sums), Stats(store));
        var may10 = new DateTimeOffset(2024, 5, 10, 12, 0, 0, TimeSpan.Zero);
        await ingestion.IngestAsync(
            TestEvents.View("rec-a", may10, ip: "81.2.69.160"), TestEvents.View("rec-a", may10.AddDays(30), ip: "81.2.69.161"),
            TestEvents.View("rec-b", may10.AddDays(31)));
        await ingestion.AggregateAsync();
        var periods = new Period[] { new(new DateOnly(2024, 5, 1), s_today), new(new DateOnly(2024, 5, 10), new DateOnly(2024, 5, 10)) };
        foreach (var period in periods)
        {
            await AssertSameAsync(cached, database, period);
        }

        // Late events of May 10: rec-b overtakes rec-a in May (a whole month's block) and on the day itself.
        await ingestion.IngestAsync(
            TestEvents.View("rec-b", may10.AddHours(1), ip: "8.8.4.4"), TestEvents.View("rec-b", may10.AddHours(2), ip: "1.1.1.1"),
            TestEvents.View("rec-b", may10.AddHours(3), ip: "9.9.9.9"));
        await ingestion.AggregateAsync();

        Assert.Equal("rec-b", (await cached.TopRecordsAsync(new RecordSet(), UsageMetric.Views, periods[0], null, 10, Cancellation)).Records[0].Recid);
        foreach (var period in periods)
        {
            await AssertSameAsync(cached, database, period);
        }
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task ImportedAggregatesReachTheKeptSumsThroughTheRunHistory(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        using var sums = new PeriodSums(store.Contexts, ingestion.Notifier, 64L * 1024 * 1024);
        var (cached, database) = (Stats(store, sums), Stats(store));
        using var watcher = new AggregateChangeWatcher(
            store.Contexts, ingestion.CreateAggregator(), ingestion.Notifier, ingestion.Clock, NullLogger<AggregateChangeWatcher>.Instance);
        await ingestion.IngestAsync(TestEvents.View("rec-a", new DateTimeOffset(2024, 5, 2, 12, 0, 0, TimeSpan.Zero)));
        await ingestion.AggregateAsync();
        var may = new Period(new DateOnly(2024, 5, 1), new DateOnly(2024, 5, 31));
        Assert.Equal(["rec-a"], (await cached.TopRecordsAsync(new RecordSet(), UsageMetric.Views, may, null, 10, Cancellation)).Records.Select(r => r.Recid));
        var seen = await watcher.PollAsync(null, Cancellation);

        using var folder = new TempFolder();
        var path = folder.Combine("views.ndjson");
        await File.WriteAllTextAsync(
            path,
            """{"timestamp":"2024-05-01T00:00:00","count":40,"unique_count":30,"recid":"rec-imported","unique_id":"ui_rec-imported"}""" + "\n",
            Cancellation);
        // A minute later than the aggregation run, as the run history tells them apart by their end.
        var importer = new AggregateImporter(store.Contexts, new FakeTimeProvider(ingestion.Clock.GetUtcNow().AddMinutes(1)));
        var imported = await importer.ImportInvenioFileAsync(path, cancellationToken: Cancellation);
        Assert.Equal(1, imported.Imported);
        await watcher.PollAsync(seen, Cancellation);

        Assert.Equal(
            ["rec-imported", "rec-a"], (await cached.TopRecordsAsync(new RecordSet(), UsageMetric.Views, may, null, 10, Cancellation)).Records.Select(r => r.Recid));
        await AssertSameAsync(cached, database, may);
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task ConcurrentReadersWithInvalidationsAndATightBudgetGetTheDatabasesAnswers(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await SeedUsageAsync(store);
        const long Budget = 8 * 1024;
        var notifier = NewNotifier();
        using var sums = new PeriodSums(store.Contexts, notifier, Budget);
        var (cached, database) = (Stats(store, sums), Stats(store));
        var expected = new Dictionary<Period, (IReadOnlyList<RankedRecord> Records, IReadOnlyList<CountryBucket> Countries)>();
        foreach (var period in s_periods)
        {
            expected[period] = (
                (await database.TopRecordsAsync(new RecordSet(), UsageMetric.Downloads, period, null, 5, Cancellation)).Records,
                (await database.CountriesAsync(StatScope.Repository, null, period, Cancellation)).Buckets);
        }

        using var done = new CancellationTokenSource();
        var invalidations = Task.Run(
            async () =>
            {
                for (var i = 0; !done.IsCancellationRequested; i++)
                {
                    notifier.Publish(new AggregatesChanged(i % 5 == 0 ? null : [s_first.AddDays(i % 200)]));
                    await Task.Yield();
                }
            },
            Cancellation);
        var readers = Enumerable.Range(0, 8).Select(reader => Task.Run(
            async () =>
            {
                for (var i = 0; i < 3 * s_periods.Length; i++)
                {
                    var period = s_periods[(i + reader) % s_periods.Length];
                    var (records, countries) = expected[period];
                    Assert.Equal(records, (await cached.TopRecordsAsync(new RecordSet(), UsageMetric.Downloads, period, null, 5, Cancellation)).Records);
                    Assert.Equal(countries, (await cached.CountriesAsync(StatScope.Repository, null, period, Cancellation)).Buckets);
                }
            },
            Cancellation));
        await Task.WhenAll(readers);
        await done.CancelAsync();
        await invalidations;

        // The last invalidation may have dropped everything: one more read keeps its blocks. Each load may keep itself past
        // the budget until the next one evicts it: at most one block (a few KB here) over.
        await cached.TopRecordsAsync(new RecordSet(), UsageMetric.Downloads, s_periods[5], null, 5, Cancellation);
        Assert.InRange(sums.Size.Bytes, 1, 2 * Budget);
    }

    [Fact]
    public void AColdPeriodIsReadAsItsWholeMonthsAndItsOtherDays()
    {
        var plan = PeriodSums.Plan(PeriodSums.BlockKind.Records, new DateOnly(2024, 1, 30), new DateOnly(2024, 4, 2), s_today, _ => false);

        Assert.Equal(
            [
                (Day(2024, 1, 30), 1), (Day(2024, 1, 31), 1), (Month(2024, 2), 1), (Month(2024, 3), 1), (Day(2024, 4, 1), 1), (Day(2024, 4, 2), 1),
            ],
            plan);
    }

    [Fact]
    public void APartOfAKeptMonthIsTheMonthLessItsOtherDaysAndKeptDaysAreNotReadAgainAsAMonth()
    {
        var kept = new HashSet<PeriodSums.BlockKey>([Month(2024, 2), Day(2024, 2, 1), .. Enumerable.Range(1, 31).Select(d => Day(2024, 3, d))]);

        var plan = PeriodSums.Plan(PeriodSums.BlockKind.Records, new DateOnly(2024, 2, 2), new DateOnly(2024, 3, 31), s_today, kept.Contains);

        // February less its first day (both kept, against 27 day blocks to read); March from its kept days, not a month to read.
        Assert.Equal([(Month(2024, 2), 1), (Day(2024, 2, 1), -1), .. Enumerable.Range(1, 31).Select(d => (Day(2024, 3, d), 1))], plan);
    }

    [Fact]
    public void AMonthLessAFewDaysNotKeptIsCheaperThanItsDaysButNotThanOneDay()
    {
        var kept = new HashSet<PeriodSums.BlockKey>([Month(2024, 2)]);

        Assert.Equal(
            [(Month(2024, 2), 1), (Day(2024, 2, 29), -1)],
            PeriodSums.Plan(PeriodSums.BlockKind.Records, new DateOnly(2024, 2, 1), new DateOnly(2024, 2, 28), s_today, kept.Contains));
        Assert.Equal(
            [(Day(2024, 2, 10), 1)],
            PeriodSums.Plan(PeriodSums.BlockKind.Records, new DateOnly(2024, 2, 10), new DateOnly(2024, 2, 10), s_today, kept.Contains));
    }

    [Fact]
    public void ThisMonthIsAlwaysReadAsItsDaysAsTodayIsReaggregatedEveryFewSeconds()
    {
        var monthFirst = s_today.AddDays(1 - s_today.Day);
        var kept = new HashSet<PeriodSums.BlockKey>([new(PeriodSums.BlockKind.Records, monthFirst, true)]);

        var plan = PeriodSums.Plan(PeriodSums.BlockKind.Records, monthFirst, s_today, s_today, kept.Contains);

        Assert.Equal(Enumerable.Range(0, s_today.Day).Select(d => (new PeriodSums.BlockKey(PeriodSums.BlockKind.Records, monthFirst.AddDays(d), false), 1)), plan);
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task AColdPeriodIsAnsweredByTheDatabaseWhileItsBlocksLoadAndThenFromThem(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await SeedUsageAsync(store);
        var notifier = NewNotifier();
        using var sums = new PeriodSums(store.Contexts, notifier, 64L * 1024 * 1024, PeriodSums.WaitedCost, new FakeTimeProvider(TestStats.Now));
        var (cached, database) = (Stats(store, sums), Stats(store));
        var year = new Period(s_today.AddMonths(-12).AddDays(1), s_today);

        // Declined without reading anything: the database answers, then the blocks load.
        Assert.Null(await sums.TryRecordSumsAsync(year, UsageMetric.Views, Cancellation));
        Assert.Equal(0, sums.Size.Blocks);
        await AssertSameAsync(cached, database, year);
        await sums.Warming.WaitAsync(Cancellation);
        Assert.NotNull(await sums.TryRecordSumsAsync(year, UsageMetric.Views, Cancellation));
        Assert.NotNull(await sums.TryRepositoryCountriesAsync(year, Cancellation));

        // Today re-aggregated, and the period moved back by a day: two day blocks are waited for, not declined.
        notifier.Publish(new AggregatesChanged([s_today]));
        var dayEarlier = new Period(year.From.AddDays(-1), year.To);
        Assert.NotNull(await sums.TryRecordSumsAsync(dayEarlier, UsageMetric.Views, Cancellation));
        await AssertSameAsync(cached, database, dayEarlier);

        // Everything dropped (an import): declined again until the blocks are back.
        notifier.Publish(new AggregatesChanged(null));
        Assert.Null(await sums.TryRepositoryCountriesAsync(year, Cancellation));
        sums.StartWarming(year);
        await sums.Warming.WaitAsync(Cancellation);
        Assert.NotNull(await sums.TryRepositoryCountriesAsync(year, Cancellation));
        await AssertSameAsync(cached, database, year);
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task AMonthWhoseDaysAreAllKeptIsSummedFromThemWithoutReadingTheStore(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await SeedUsageAsync(store);
        // Declines anything it would have to read: what it answers, it answers from memory.
        using var sums = new PeriodSums(store.Contexts, NewNotifier(), 64L * 1024 * 1024, waitedCost: 0, new FakeTimeProvider(TestStats.Now));
        var (cached, database) = (Stats(store, sums), Stats(store));
        var february = new Period(new DateOnly(2024, 2, 1), new DateOnly(2024, 2, 29));
        Assert.Null(await sums.TryRecordSumsAsync(february, UsageMetric.Views, Cancellation));

        for (var day = february.From; day <= february.To; day = day.AddDays(1))
        {
            sums.StartWarming(new Period(day, day));
            await sums.Warming.WaitAsync(Cancellation);
        }

        var expected = new List<(Period Period, IReadOnlyList<RankedRecord> Records, IReadOnlyList<CountryBucket> Countries)>();
        foreach (var period in (Period[])[february, new(new DateOnly(2024, 2, 3), new DateOnly(2024, 2, 29))])
        {
            expected.Add((
                period,
                (await database.TopRecordsAsync(new RecordSet(), UsageMetric.Downloads, period, null, 5, Cancellation)).Records,
                (await database.CountriesAsync(StatScope.Repository, null, period, Cancellation)).Buckets));
        }

        var daysKept = sums.Size.Blocks;

        // The store loses its aggregates behind the sums' back: only what is summed in memory can still be right.
        await using (var context = store.CreateContext())
        {
            await context.UsageDailyStats.ExecuteDeleteAsync(Cancellation);
            await context.CountryDailyStats.ExecuteDeleteAsync(Cancellation);
        }

        foreach (var (period, records, countries) in expected)
        {
            Assert.Equal(records, (await cached.TopRecordsAsync(new RecordSet(), UsageMetric.Downloads, period, null, 5, Cancellation)).Records);
            Assert.Equal(countries, (await cached.CountriesAsync(StatScope.Repository, null, period, Cancellation)).Buckets);
        }

        // February became one block of each kind, made from its days; January 31 would have to be read.
        Assert.Equal(daysKept + 2, sums.Size.Blocks);
        Assert.NotEmpty(expected[0].Countries);
        Assert.Null(await sums.TryRepositoryCountriesAsync(new Period(new DateOnly(2024, 1, 31), new DateOnly(2024, 2, 29)), Cancellation));
    }

    [Fact]
    public async Task TheDashboardLoadsTheOverviewsTwelveMonthsAfterItsStartWithoutARequest()
    {
        await using var dashboard = new DashboardFactory();
        await dashboard.InitializeAsync();
        var sums = dashboard.Services.GetRequiredService<PeriodSums>();
        var today = DateOnly.FromDateTime(dashboard.Services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime);

        await sums.Warming.WaitAsync(Cancellation);

        // Kept: a cold period would be declined (null) and left to the database.
        Assert.NotNull(await sums.TryRecordSumsAsync(new Period(today.AddMonths(-12).AddDays(1), today), UsageMetric.Views, Cancellation));
        Assert.NotNull(await sums.TryRepositoryCountriesAsync(new Period(today.AddDays(-29), today), Cancellation));
        Assert.Null(await sums.TryRepositoryCountriesAsync(new Period(today.AddYears(-2), today.AddYears(-1)), Cancellation));
    }

    private static PeriodSums.BlockKey Day(int year, int month, int day) => new(PeriodSums.BlockKind.Records, new DateOnly(year, month, day), false);

    private static PeriodSums.BlockKey Month(int year, int month) => new(PeriodSums.BlockKind.Records, new DateOnly(year, month, 1), true);

    private static async Task AssertSameAsync(UsageStats cached, UsageStats database, Period period)
    {
        foreach (var metric in Enum.GetValues<UsageMetric>())
        {
            foreach (var size in (int[])[1, 4, 100])
            {
                var expected = await database.TopRecordsAsync(new RecordSet(), metric, period, null, size, Cancellation);
                var actual = await cached.TopRecordsAsync(new RecordSet(), metric, period, null, size, Cancellation);
                Assert.Equal(expected.Metric, actual.Metric);
                Assert.Equal(expected.Records, actual.Records);
            }
        }

        Assert.Equal((await database.CountriesAsync(StatScope.Repository, null, period, Cancellation)).Buckets, (await cached.CountriesAsync(StatScope.Repository, null, period, Cancellation)).Buckets);
    }

    /// <summary>
    /// 40 records (every seventh deleted) with small counts on a fifth of their days, so that many sums tie; machine and
    /// imported rows besides; the repository's countries.
    /// </summary>
    private static async Task SeedUsageAsync(TestStore store)
    {
        await using var seed = new AggregateSeed(store.Contexts);
        var random = new Random(19);
        for (var r = 0; r < 40; r++)
        {
            var record = await seed.RecordAsync($"rec-{r:D2}", deleted: r % 7 == 3);
            for (var day = s_first; day <= s_today; day = day.AddDays(1))
            {
                if (random.Next(5) == 0)
                {
                    var views = random.Next(4);
                    var downloads = random.Next(3);
                    seed.Usage(StatScope.Record, record.Id, day, views, Math.Min(views, 1), downloads, Math.Min(downloads, 1), downloads * 100L);
                }

                if (random.Next(40) == 0)
                {
                    seed.Usage(StatScope.Record, record.Id, day, views: 1, uniqueViews: 1, method: AccessMethod.Machine);
                }

                if (random.Next(60) == 0)
                {
                    seed.Usage(StatScope.Record, record.Id, day, views: 2, uniqueViews: 1, downloads: 1, uniqueDownloads: 1, volume: 50, method: AccessMethod.Imported);
                }
            }
        }

        for (var day = s_first; day <= s_today; day = day.AddDays(1))
        {
            foreach (var country in s_countries.Where(_ => random.Next(3) == 0))
            {
                var views = random.Next(5);
                seed.Country(StatScope.Repository, 0, day, country, views, Math.Min(views, 2), random.Next(3), random.Next(2));
            }
        }

        await seed.SaveAsync();
    }

    private static UsageStats Stats(TestStore store, PeriodSums? sums = null) => new(store.Contexts, new FakeTimeProvider(TestStats.Now), sums);

    private static AggregateChangeNotifier NewNotifier() => new(NullLogger<AggregateChangeNotifier>.Instance);
}
