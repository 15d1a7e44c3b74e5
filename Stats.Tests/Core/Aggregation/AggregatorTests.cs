using Microsoft.EntityFrameworkCore;
using Stats.Core.Aggregation;
using Stats.Core.Data;
using Stats.Core.Events;
using Stats.Core.Ingestion;
using Stats.Tests.Builders;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Core.Aggregation;

public sealed class AggregatorTests
{
    private static readonly DateTimeOffset s_noon = new(2024, 6, 15, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly s_day = new(2024, 6, 15);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task AllVersionsCountDistinctSessionsPerConceptNotTheSumOfVersions(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        await ingestion.IngestAsync(
            TestEvents.Published("rec-1", s_noon.AddDays(-10), parentRecid: "concept-1"),
            TestEvents.Published("rec-2", s_noon.AddDays(-5), parentRecid: "concept-1"),
            // One session views both versions; another views version 2 only.
            TestEvents.View("rec-1", s_noon, sessionId: "s-1"),
            TestEvents.View("rec-2", s_noon.AddMinutes(1), sessionId: "s-1"),
            TestEvents.View("rec-2", s_noon.AddMinutes(2), sessionId: "s-2"));

        await ingestion.AggregateAsync();

        await using var context = store.CreateContext();
        var v1 = await AggregateReader.RecordAsync(context, "rec-1", s_day);
        var v2 = await AggregateReader.RecordAsync(context, "rec-2", s_day);
        var all = await AggregateReader.ConceptAsync(context, "concept-1", s_day);
        Assert.Equal((1, 1), (v1.Views, v1.UniqueViews));
        Assert.Equal((2, 2), (v2.Views, v2.UniqueViews));
        // The sum of the versions' uniques would be 3: the concept's is 2 distinct sessions, never less than a version's.
        Assert.Equal((3, 2), (all.Views, all.UniqueViews));
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task AnOwnerHasNoRowsOfItsOwnAndItsStatsAreTheSumsOfItsRecords(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        await ingestion.IngestAsync(
            TestEvents.Published("ada-1", s_noon.AddDays(-10), owner: "ada"),
            TestEvents.Published("ada-2", s_noon.AddDays(-10), owner: "ada"),
            TestEvents.Published("bob-1", s_noon.AddDays(-10), owner: "bob"),
            // One session views both of ada's records: one unique view of each, two unique items for ada.
            TestEvents.View("ada-1", s_noon, sessionId: "s-1"),
            TestEvents.View("ada-2", s_noon.AddMinutes(1), sessionId: "s-1"),
            TestEvents.View("ada-2", s_noon.AddMinutes(2), sessionId: "s-2"),
            TestEvents.View("bob-1", s_noon.AddMinutes(3), sessionId: "s-3"));

        await ingestion.AggregateAsync();

        await using var context = store.CreateContext();
        Assert.Empty(await context.UsageDailyStats.Where(s => s.Scope == StatScope.Owner).ToListAsync(Cancellation));
        var ada = await TestStats.Registry(store).RunAsync<Stats.Core.Queries.UserStats>("user-stats", ("owner_id", "ada"));
        Assert.Equal((3L, 3L), (ada.Views, ada.UniqueViews));
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task ARecordWithoutVersionsIsItsOwnConceptWithoutRowsOfItsOwn(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        await ingestion.IngestAsync(
            TestEvents.Published("solo", s_noon.AddDays(-10)),
            TestEvents.View("solo", s_noon, sessionId: "s-1"),
            TestEvents.View("solo", s_noon.AddMinutes(5), sessionId: "s-2"));

        await ingestion.AggregateAsync();

        await using var context = store.CreateContext();
        Assert.Empty(await context.UsageDailyStats.Where(s => s.Scope == StatScope.Concept).ToListAsync(Cancellation));
        var allVersions = await TestStats.Registry(store).RunAsync<Stats.Core.Queries.ConceptViews>("record-view-all-versions", ("parent_recid", "solo"));
        Assert.Equal((2L, 2L), (allVersions.Views, allVersions.UniqueViews));
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task WiderScopesAddUpTheirRecordsAndFilesCountPerFile(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        await ingestion.IngestAsync(
            TestEvents.Published("rec-1", s_noon.AddDays(-10), owner: "alice", communities: ["hep"]),
            TestEvents.Published("rec-2", s_noon.AddDays(-10), owner: "alice", communities: ["hep", "climate"]),
            TestEvents.Published("rec-3", s_noon.AddDays(-10), owner: "bob", communities: ["climate"]),
            // Session s-1 downloads two files of rec-1 (one unique download of the record, one per file) and views rec-2.
            TestEvents.Download("rec-1", "a.csv", s_noon, size: 100, sessionId: "s-1"),
            TestEvents.Download("rec-1", "b.csv", s_noon.AddMinutes(1), size: 200, sessionId: "s-1"),
            TestEvents.View("rec-2", s_noon.AddMinutes(2), sessionId: "s-1"),
            TestEvents.Download("rec-1", "a.csv", s_noon.AddMinutes(3), size: 100, sessionId: "s-2", ip: "81.2.69.142"),
            TestEvents.View("rec-3", s_noon.AddMinutes(4), sessionId: "s-3"));

        await ingestion.AggregateAsync();

        await using var context = store.CreateContext();
        var rec1 = await AggregateReader.RecordAsync(context, "rec-1", s_day);
        Assert.Equal((3, 2, 400L, 3, 2), (rec1.Downloads, rec1.UniqueDownloads, rec1.Volume, rec1.Investigations, rec1.UniqueInvestigations));
        var files = await context.UsageDailyStats.Where(s => s.Scope == StatScope.File && s.Day == s_day)
            .Join(context.RecordFiles, s => s.ScopeId, f => f.Id, (s, f) => new { f.Key, s.Downloads, s.UniqueDownloads, s.Volume })
            .OrderBy(f => f.Key).ToListAsync(Cancellation);
        Assert.Equal(["a.csv 2 2 200", "b.csv 1 1 200"], files.Select(f => $"{f.Key} {f.Downloads} {f.UniqueDownloads} {f.Volume}"));

        var hep = await AggregateReader.CommunityAsync(context, "hep", s_day);
        Assert.Equal((1, 1, 3, 2), (hep.Views, hep.UniqueViews, hep.Downloads, hep.UniqueDownloads));
        var climate = await AggregateReader.CommunityAsync(context, "climate", s_day);
        Assert.Equal((2, 2, 0), (climate.Views, climate.UniqueViews, climate.Downloads));
        var alice = await AggregateReader.OwnerAsync(context, "alice", s_day);
        Assert.Equal((1, 3, 2), (alice.Views, alice.Downloads, alice.UniqueDownloads));
        var repository = await AggregateReader.RepositoryAsync(context, s_day);
        Assert.Equal((2, 2, 3, 2, 5, 4), (repository.Views, repository.UniqueViews, repository.Downloads, repository.UniqueDownloads, repository.Investigations, repository.UniqueInvestigations));

        var countries = await context.CountryDailyStats.Where(c => c.Scope == StatScope.Repository && c.Day == s_day).OrderBy(c => c.Country).ToListAsync(Cancellation);
        Assert.Equal(["GB 0 1", "US 2 2"], countries.Select(c => $"{c.Country} {c.Views} {c.Downloads}"));
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task CountsNewRecordsSubmissionsFeaturesLoansAndTheSipStore(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        await ingestion.IngestAsync(
            TestEvents.Published("rec-1", s_noon, owner: "alice", communities: ["hep"], accessRight: "open"),
            TestEvents.Published("rec-2", s_noon.AddHours(1), owner: "alice", communities: ["hep"], accessRight: "closed"),
            // Published again the same day: still one new record.
            TestEvents.Published("rec-2", s_noon.AddHours(2), owner: "alice", communities: ["hep"], accessRight: "closed"),
            // First published the day before: not new today.
            TestEvents.Published("rec-3", s_noon.AddDays(-1), owner: "bob", communities: ["hep"]),
            TestEvents.Published("rec-3", s_noon, owner: "bob", communities: ["hep"]),
            new IncomingEvent { Type = EventCatalog.SubmissionCreated, Timestamp = s_noon, Community = "hep" },
            new IncomingEvent { Type = EventCatalog.FeatureUsed, Timestamp = s_noon, Community = "hep", Feature = "comment" },
            new IncomingEvent { Type = EventCatalog.FeatureUsed, Timestamp = s_noon.AddMinutes(1), Community = "hep", Feature = "comment" },
            new IncomingEvent { Type = EventCatalog.LoanCreated, Timestamp = s_noon, DocumentId = "doc-1", Location = "Main library" },
            new IncomingEvent { Type = EventCatalog.LoanExtended, Timestamp = s_noon, DocumentId = "doc-1", Location = "Main library" },
            new IncomingEvent { Type = EventCatalog.SipCreated, Timestamp = s_noon, SipId = "sip-1", Recid = "rec-1", Size = 5000 },
            new IncomingEvent { Type = EventCatalog.SipSent, Timestamp = s_noon.AddMinutes(10), SipId = "sip-1", Recid = "rec-1" },
            new IncomingEvent { Type = EventCatalog.SipCreated, Timestamp = s_noon, SipId = "sip-2", Recid = "rec-2", Size = 7000 },
            new IncomingEvent { Type = EventCatalog.ArchiveSize, Timestamp = s_noon, Bytes = 1000 },
            new IncomingEvent { Type = EventCatalog.ArchiveSize, Timestamp = s_noon.AddHours(5), Bytes = 3000 });
        // The SIP is processed the next day: its outcome joins the two days.
        await ingestion.IngestAsync(
            new IncomingEvent { Type = EventCatalog.SipProcessed, Timestamp = s_noon.AddDays(1), SipId = "sip-1", Recid = "rec-1", Status = "succeeded" },
            new IncomingEvent { Type = EventCatalog.SipProcessed, Timestamp = s_noon.AddDays(1), SipId = "sip-2", Recid = "rec-2", Status = "failed" });

        await ingestion.AggregateAsync();

        await using var context = store.CreateContext();
        var hep = await context.Communities.Where(c => c.ExternalId == "hep").Select(c => c.Id).SingleAsync(Cancellation);
        var rows = await context.ActivityDailyStats.AsNoTracking().ToListAsync(Cancellation);
        int Count(Activity activity, int community, DateOnly? day = null) =>
            rows.Where(r => r.Activity == activity && r.CommunityId == community && r.Day == (day ?? s_day)).Sum(r => r.Count);

        Assert.Equal(2, Count(Activity.NewRecord, hep));
        Assert.Equal(2, Count(Activity.NewRecord, 0));
        Assert.Equal(1, Count(Activity.NewRecord, hep, s_day.AddDays(-1)));
        Assert.Equal([(int)AccessRight.Open, (int)AccessRight.Closed], rows.Where(r => r.Activity == Activity.NewRecord && r.CommunityId == hep && r.Day == s_day).Select(r => r.DetailId).Order());
        Assert.Equal(1, Count(Activity.NewSubmission, hep));
        Assert.Equal(2, Count(Activity.FeatureUsed, hep));
        Assert.Equal((1, 1), (Count(Activity.LoanCreated, 0), Count(Activity.LoanExtended, 0)));
        Assert.Equal(2, Count(Activity.SipCreated, hep));
        Assert.Equal(12_000, rows.Single(r => r.Activity == Activity.SipCreated && r.CommunityId == 0).Amount);
        Assert.Equal((1, 1), (Count(Activity.SipSucceeded, 0, s_day.AddDays(1)), Count(Activity.SipFailed, 0, s_day.AddDays(1))));
        var archive = rows.Single(r => r.Activity == Activity.ArchiveSize);
        Assert.Equal((2, 3000L), (archive.Count, archive.Amount));

        var sip1 = await context.SipOutcomes.Join(context.Labels, s => s.SipId, l => l.Id, (s, l) => new { l.Value, s }).SingleAsync(x => x.Value == "sip-1", Cancellation);
        Assert.Equal((s_noon.UtcDateTime, s_noon.AddMinutes(10).UtcDateTime, s_noon.AddDays(1).UtcDateTime, true, 5000L),
            (sip1.s.CreatedAt, sip1.s.SentAt, sip1.s.ProcessedAt, sip1.s.Succeeded, sip1.s.Size));
        Assert.Equal(hep, sip1.s.CommunityId);
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task AggregatingAgainChangesNothing(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        await IngestSampleAsync(ingestion);
        await ingestion.AggregateAsync();
        await using var context = store.CreateContext();
        var first = await AggregateReader.EverythingAsync(context);

        var again = await ingestion.Aggregator.RunAsync((s_day.AddDays(-3), s_day.AddDays(3)), Cancellation);

        Assert.Equal(7, again.Days.Count);
        Assert.Equal(first.Order(StringComparer.Ordinal), (await AggregateReader.EverythingAsync(context)).Order(StringComparer.Ordinal));
        Assert.NotEmpty(first);
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task ARunWrittenDayByDayWhileTheNextDaysAreCountedGivesTheNumbersOfOneGroup(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        await IngestSampleAsync(ingestion);
        // A group per day: each is written on its own connection while the day after it is read and counted.
        ingestion.Aggregator.MaxGroupRows = 1;

        var report = await ingestion.AggregateAsync();

        Assert.Null(report.Error);
        Assert.Equal([s_day.AddDays(1), s_day, s_day.AddDays(-1)], report.Days.Select(d => d.Day));
        await using var context = store.CreateContext();
        var dayByDay = await AggregateReader.EverythingAsync(context);
        ingestion.Aggregator.MaxGroupRows = long.MaxValue;
        var oneGroup = await ingestion.Aggregator.RunAsync((s_day.AddDays(-1), s_day.AddDays(1)), Cancellation);
        Assert.Null(oneGroup.Error);
        Assert.NotEmpty(dayByDay);
        Assert.Equal((await AggregateReader.EverythingAsync(context)).Order(StringComparer.Ordinal), dayByDay.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task ADayThatFailsToBeCountedLetsTheGroupsBeforeItBeWrittenAndKeepsItselfDirty(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        await IngestSampleAsync(ingestion);
        ingestion.Aggregator.MaxGroupRows = 1;
        // Days run newest first: the oldest fails once the two newer ones are handed to the writer.
        ingestion.Aggregator.DayComputed = (day, _) =>
            day == s_day.AddDays(-1) ? throw new InvalidOperationException("counting failed") : Task.CompletedTask;

        var report = await ingestion.Aggregator.RunAsync(Cancellation);

        Assert.Equal("InvalidOperationException: counting failed", report.Error);
        Assert.Equal([s_day.AddDays(1), s_day], report.Days.Select(d => d.Day));
        await using var context = store.CreateContext();
        Assert.Equal([s_day.AddDays(-1)], await context.DirtyDays.Select(d => d.Day).ToListAsync(Cancellation));
        Assert.True((await AggregateReader.RecordAsync(context, "rec-1", s_day)).Views > 0);
        Assert.Equal(0, (await AggregateReader.RecordAsync(context, "rec-1", s_day.AddDays(-1))).Views);
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task ALateEventReaggregatesItsDayAndNoOther(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        await IngestSampleAsync(ingestion);
        await ingestion.AggregateAsync();
        ingestion.Clock.Advance(TimeSpan.FromHours(1));

        // An import of last year's log: a view on a day aggregated long ago.
        var lastYear = s_noon.AddYears(-1);
        await ingestion.IngestAsync(TestEvents.View("rec-1", lastYear));
        await ingestion.IngestAsync(TestEvents.View("rec-1", s_noon.AddHours(3), sessionId: "late"));
        var report = await ingestion.AggregateAsync();

        Assert.Equal([DateOnly.FromDateTime(lastYear.UtcDateTime), s_day], report.Days.Select(d => d.Day).Order());
        await using var context = store.CreateContext();
        Assert.Equal(1, (await AggregateReader.RecordAsync(context, "rec-1", DateOnly.FromDateTime(lastYear.UtcDateTime))).Views);
        // Six views of rec-1 in the sample that day, and the late one.
        Assert.Equal(7, (await AggregateReader.RecordAsync(context, "rec-1", s_day)).Views);
        Assert.Empty(await context.DirtyDays.ToListAsync(Cancellation));
        Assert.Empty((await ingestion.AggregateAsync()).Days);
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task AChangeCommittedWhileADayIsAggregatedKeepsTheDayDirty(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        await ingestion.IngestAsync(TestEvents.View("rec-1", s_noon));
        await using var context = store.CreateContext();
        var seen = (await context.DirtyDays.AsNoTracking().SingleAsync(Cancellation)).Version;

        // Written after the aggregator read the mark's version, before it clears the mark.
        await ingestion.IngestAsync(TestEvents.View("rec-1", s_noon.AddHours(1)));
        await DailyAggregator.AggregateAsync(context, new CatalogSnapshot(), s_day, seen, s_noon.UtcDateTime, Cancellation);

        var mark = await context.DirtyDays.AsNoTracking().SingleAsync(Cancellation);
        Assert.Equal(s_day, mark.Day);
        Assert.Equal(seen + 1, mark.Version);
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task TwoAggregatorsRacingProduceTheSameNumbersAsOne(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        await IngestSampleAsync(ingestion);
        var other = ingestion.CreateAggregator();

        var reports = await Task.WhenAll(ingestion.Aggregator.RunAsync(Cancellation), other.RunAsync(Cancellation));

        Assert.All(reports, r => Assert.Null(r.Error));
        // The lease lets one work at a time: whoever ran second found nothing left, or did not get the lease.
        Assert.Equal(3, reports.Sum(r => r.Days.Count));
        await using var context = store.CreateContext();
        var raced = await AggregateReader.EverythingAsync(context);
        await ingestion.Aggregator.RunAsync((s_day.AddDays(-1), s_day.AddDays(1)), Cancellation);
        Assert.Equal(raced.Order(StringComparer.Ordinal), (await AggregateReader.EverythingAsync(context)).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task TwoRunsOfOneInstanceAtOnceQueueInsteadOfBothWorking(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        await IngestSampleAsync(ingestion);

        // The schedule and the end of the demo seed, say: the same instance holds the lease for both.
        var reports = await Task.WhenAll(ingestion.Aggregator.RunAsync(Cancellation), ingestion.Aggregator.RunAsync(Cancellation));

        Assert.All(reports, r => Assert.True(r.Error is null, r.Error));
        Assert.Equal(3, reports.Sum(r => r.Days.Count));
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task AnInstanceDoesNotAggregateWhileAnotherHoldsTheLeaseButTakesOverAnExpiredOne(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        await ingestion.IngestAsync(TestEvents.View("rec-1", s_noon));
        await using (var context = store.CreateContext())
        {
            var until = ingestion.Clock.GetUtcNow().UtcDateTime.AddMinutes(5);
            context.AggregationLeases.Add(new AggregationLease { Name = AggregationRunner.LeaseName, Holder = "elsewhere/1", ExpiresAt = until });
            await context.SaveChangesAsync(Cancellation);
        }

        var blocked = await ingestion.Aggregator.RunAsync(Cancellation);
        Assert.False(blocked.LeaseAcquired);
        Assert.Equal("elsewhere/1", blocked.LeaseHolder);
        Assert.Empty(blocked.Days);

        ingestion.Clock.Advance(TimeSpan.FromMinutes(6));
        var report = await ingestion.AggregateAsync();
        Assert.Equal([s_day], report.Days.Select(d => d.Day));
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task ADayWhoseRawEventsRetentionDeletedKeepsItsAggregates(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        await ingestion.IngestAsync(TestEvents.View("rec-1", s_noon), TestEvents.View("rec-1", s_noon.AddHours(1), ip: "8.8.4.4"));
        await ingestion.AggregateAsync();
        await using var context = store.CreateContext();
        // What retention does: delete the day's raw events and note it.
        await context.RawEvents.ExecuteDeleteAsync(Cancellation);
        await context.AggregatedDays.ExecuteUpdateAsync(u => u.SetProperty(d => d.RawEventsPurgedAt, s_noon.UtcDateTime), Cancellation);

        var report = await ingestion.Aggregator.RunAsync((s_day, s_day), Cancellation);

        Assert.NotNull(Assert.Single(report.Days).Skipped);
        Assert.Equal(2, (await AggregateReader.RecordAsync(context, "rec-1", s_day)).Views);
    }

    [Fact]
    public async Task TheInvariantsOfCounterHoldOnTheDemoData()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var ingestion = new IngestionHarness(store);
        var seeder = new Stats.Core.Demo.DemoSeeder(ingestion.Ingestor, ShippedReferenceData.Countries, Microsoft.Extensions.Options.Options.Create(new Stats.Core.Retention.RetentionOptions()), ingestion.Clock, store.Contexts);
        await seeder.SeedAsync(new Stats.Core.Demo.DemoOptions { Days = 20, Records = 40 }, Cancellation);

        await ingestion.AggregateAsync();

        await using var context = store.CreateContext();
        var rows = await context.UsageDailyStats.AsNoTracking().ToListAsync(Cancellation);
        Assert.True(rows.Sum(r => r.Downloads) > 100, "The demo data should have downloads to check.");
        Assert.All(rows, r =>
        {
            Assert.True(r.Investigations >= r.UniqueInvestigations, $"TII < UII in {r.Scope} {r.ScopeId} {r.Day}");
            Assert.True(r.Investigations >= r.Downloads, $"TII < TIR in {r.Scope} {r.ScopeId} {r.Day}");
            Assert.True(r.UniqueInvestigations >= r.UniqueDownloads, $"UII < UIR in {r.Scope} {r.ScopeId} {r.Day}");
            Assert.True(r.Downloads >= r.UniqueDownloads, $"TIR < UIR in {r.Scope} {r.ScopeId} {r.Day}");
            Assert.True(r.Views >= r.UniqueViews, $"views < unique views in {r.Scope} {r.ScopeId} {r.Day}");
        });
        // The repository is the sum of its records, day by day and access method by access method.
        var records = rows.Where(r => r.Scope == StatScope.Record).GroupBy(r => (r.Day, r.AccessMethod))
            .ToDictionary(g => g.Key, g => (g.Sum(r => r.Views), g.Sum(r => r.UniqueDownloads), g.Sum(r => r.Volume)));
        var repository = rows.Where(r => r.Scope == StatScope.Repository).ToDictionary(r => (r.Day, r.AccessMethod), r => (r.Views, r.UniqueDownloads, r.Volume));
        Assert.Equal(records.OrderBy(r => r.Key), repository.OrderBy(r => r.Key));
        // All versions never show less than one version.
        var conceptOf = await context.Records.Where(r => r.ParentExternalId != null).ToDictionaryAsync(r => r.Id, r => r.ParentExternalId!, Cancellation);
        var conceptIds = await context.Labels.Where(l => l.Kind == LabelKind.Concept).ToDictionaryAsync(l => l.Value, l => l.Id, Cancellation);
        // A concept's row, or its one version's row that stands for it (ADR-020).
        var concepts = rows.Where(r => r.Scope == StatScope.Concept).Select(r => (Key: (r.ScopeId, r.Day, r.AccessMethod), Row: r))
            .Concat(rows.Where(r => r.ConceptId is not null).Select(r => (Key: (r.ConceptId!.Value, r.Day, r.AccessMethod), Row: r)))
            .ToDictionary(c => c.Key, c => c.Row);
        Assert.NotEmpty(concepts);
        Assert.All(rows.Where(r => r.Scope == StatScope.Record && conceptOf.ContainsKey(r.ScopeId)), r =>
        {
            var concept = concepts[(conceptIds[conceptOf[r.ScopeId]], r.Day, r.AccessMethod)];
            Assert.True(concept.UniqueViews >= r.UniqueViews && concept.UniqueDownloads >= r.UniqueDownloads && concept.Downloads >= r.Downloads);
        });
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task ATypeAddedByConfigurationIsCountedPerRepositoryRecordAndCommunityAndRecountedNotAddedUp(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var printed = new CustomEventType { Name = "page-printed", Optional = ["recid", "community"] };
        await using var ingestion = new IngestionHarness(store, types: new EventTypeOptions { Types = [printed] });
        IncomingEvent Printed(string? recid, string? community, int minutes) =>
            new() { Type = "page-printed", Timestamp = s_noon.AddMinutes(minutes), Recid = recid, Community = community };
        await ingestion.IngestAsync(
            TestEvents.Published("rec-1", s_noon.AddDays(-10), communities: ["hep", "climate"]),
            // Robots and repeats within seconds count too: these are plain counts, not COUNTER's.
            Printed("rec-1", null, 0), Printed("rec-1", null, 0),
            Printed("rec-1", "ecology", 1),
            Printed(null, "hep", 2));
        await ingestion.AggregateAsync();

        // A late event makes the day dirty again: the day is counted again from all its events.
        await ingestion.IngestAsync(Printed(null, null, 3));
        await ingestion.AggregateAsync();

        await using var context = store.CreateContext();
        var code = (await ingestion.Types.FindAsync("page-printed", Cancellation))!.Code;
        var rows = await context.EventDailyStats.Where(s => s.Day == s_day).ToListAsync(Cancellation);
        var record = await context.Records.Where(r => r.ExternalId == "rec-1").Select(r => r.Id).SingleAsync(Cancellation);
        var communities = await context.Communities.ToDictionaryAsync(c => c.ExternalId, c => c.Id, Cancellation);
        Assert.All(rows, r => Assert.Equal(code, r.TypeId));
        Assert.Equal(
            new Dictionary<(StatScope, int), int>
            {
                [(StatScope.Repository, 0)] = 5,
                [(StatScope.Record, record)] = 3,
                // The record's communities for events that name none; the one named otherwise.
                [(StatScope.Community, communities["hep"])] = 3,
                [(StatScope.Community, communities["climate"])] = 2,
                [(StatScope.Community, communities["ecology"])] = 1,
            },
            rows.ToDictionary(r => (r.Scope, r.ScopeId), r => r.Count));
        Assert.Empty(await context.ActivityDailyStats.Where(s => s.Day == s_day).ToListAsync(Cancellation));
    }

    /// <summary>Three days of views and downloads of two records, and catalog events.</summary>
    private static async Task IngestSampleAsync(IngestionHarness ingestion)
    {
        var events = new List<IncomingEvent>
        {
            TestEvents.Published("rec-1", s_noon.AddDays(-1), communities: ["hep"], parentRecid: "concept-1"),
            TestEvents.Published("rec-2", s_noon.AddDays(-1), communities: ["hep"], parentRecid: "concept-1"),
        };
        for (var day = -1; day <= 1; day++)
        {
            for (var i = 0; i < 10; i++)
            {
                var at = s_noon.AddDays(day).AddMinutes(i * 7);
                events.Add(TestEvents.View(i % 3 == 0 ? "rec-2" : "rec-1", at, sessionId: $"s-{i % 4}", ip: i % 2 == 0 ? "8.8.8.8" : "81.2.69.142"));
                events.Add(TestEvents.Download("rec-1", i % 2 == 0 ? "a.csv" : "b.csv", at.AddSeconds(20), size: 1000 + i, sessionId: $"s-{i % 4}"));
            }
        }

        await ingestion.IngestAsync([.. events]);
    }
}
