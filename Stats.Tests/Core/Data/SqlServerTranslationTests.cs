using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using Stats.Core.Access;
using Stats.Core.Aggregation;
using Stats.Core.Catalog;
using Stats.Core.Data;
using Stats.Core.Events;
using Stats.Core.Import.Aggregates;
using Stats.Core.Ingestion;
using Stats.Core.Queries;
using Stats.Core.Reports;
using Stats.Core.Reports.Dsr;
using Stats.Core.Reports.OpenAire;
using Stats.Core.Retention;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Core.Data;

/// <summary>
/// SQL Server has no server here: every query the product runs is translated to SQL instead (a query EF cannot
/// translate throws here, not in production), the migrations are scripted, and every statement is parsed with the
/// T-SQL grammar of the version we target (<see cref="StatsDbContextFactory.SqlServerCompatibilityLevel"/>), so SQL
/// that SQL Server would refuse fails here.
/// </summary>
public sealed class SqlServerTranslationTests : IDisposable
{
    private readonly StatsDbContext _context = new StatsDbContextFactory(DatabaseProvider.SqlServer, "Server=unused;Database=stats").CreateDbContext();

    private static readonly DateOnly s_from = new(2024, 6, 1);
    private static readonly DateOnly s_to = new(2024, 6, 30);

    public static TheoryData<string> Queries => [.. s_queries.Keys];

    // Every query builder of the product, by name; the arguments are arbitrary.
    private static readonly Dictionary<string, Func<StatsDbContext, IQueryable>> s_queries = new(StringComparer.Ordinal)
    {
        ["CatalogApplier.RecordsWithCommunities"] = c => Stats.Core.Sources.Catalog.CatalogApplier.RecordsWithCommunities(c, ["rec-1"]),
        ["CatalogApplier.CommunitiesNamed"] = c => Stats.Core.Sources.Catalog.CatalogApplier.CommunitiesNamed(c, ["hep"]),
        ["CatalogApplier.DaysWithRawEventsOf"] = c => Stats.Core.Sources.Catalog.CatalogApplier.DaysWithRawEventsOf(c, [1, 2]),
        ["CatalogSourceStatuses.States"] = Stats.Core.Sources.Catalog.CatalogSourceStatuses.States,
        ["StoreLease.Named"] = c => StoreLease.Named(c, "catalog:zenodo"),
        ["OverviewQueries.AggregatedEvents"] = OverviewQueries.AggregatedEvents,
        ["EventStats.EventRows"] = c => EventStats.EventRows(c, 1001, StatScope.Community, 3, new DateOnly(2024, 6, 1), new DateOnly(2024, 6, 30)),
        ["EventStats.EventsPerDay"] = c => EventStats.EventsPerDay(c, 1001, StatScope.Record, 7, new DateOnly(2024, 6, 1), new DateOnly(2024, 6, 30)),
        ["OpenAireExporter.AggregatedDaysBetween"] = c => OpenAireExporter.AggregatedDaysBetween(c, new DateOnly(2024, 6, 1), new DateOnly(2024, 6, 30)),
        ["OpenAireExporter.DirtyDaysBetween"] = c => OpenAireExporter.DirtyDaysBetween(c, new DateOnly(2024, 6, 1), new DateOnly(2024, 6, 30)),
        ["OpenAireExporter.RecordsAmong"] = c => OpenAireExporter.RecordsAmong(c, [7, 8]),
        ["OpenAireExporter.FilesAmong"] = c => OpenAireExporter.FilesAmong(c, [7, 8]),
        ["CatalogKeys.RecordIdsOf"] = c => CatalogKeys.RecordIdsOf(c, ["abcd-1234", "efgh-5678"]),
        ["CatalogKeys.CommunityIdsOf"] = c => CatalogKeys.CommunityIdsOf(c, ["hep", "climate"]),
        ["CatalogKeys.LabelsAmong"] = c => CatalogKeys.LabelsAmong(c, ["Archive Annex", "doc-0001"]),
        ["CatalogKeys.FilesAmong"] = c => CatalogKeys.FilesAmong(c, [7, 8], ["data.csv", "paper.pdf"]),
        ["CatalogKeys.RecordIdOf"] = c => CatalogKeys.RecordIdOf(c, "abcd-1234"),
        ["CatalogKeys.RecordsOfBuckets"] = c => CatalogKeys.RecordsOfBuckets(c, ["6f1c0e4a-3b1d-4c9e-8a55-0d2b8d2b1e01"]),
        ["CatalogResolver.RecordWithCommunities"] = c => CatalogResolver.RecordWithCommunities(c, 7),
        ["CatalogResolver.CommunityById"] = c => CatalogResolver.CommunityById(c, 3),
        ["CatalogKeys.CommunityIdOf"] = c => CatalogKeys.CommunityIdOf(c, "hep"),
        ["CatalogKeys.FileIdOf"] = c => CatalogKeys.FileIdOf(c, 7, "data.csv"),
        ["CatalogKeys.LabelIdOf"] = c => CatalogKeys.LabelIdOf(c, LabelKind.Location, "Archive Annex"),
        ["EventWriter.StoredClientIds"] = c => EventWriter.StoredClientIds(c, new DateTime(2024, 6, 15, 0, 0, 0, DateTimeKind.Utc), new DateTime(2024, 6, 15, 1, 0, 0, DateTimeKind.Utc), [1L, -5L]),
        ["DailySaltStore.ExpiredSalts"] = c => DailySaltStore.ExpiredSalts(c, new DateOnly(2024, 6, 15), new DateTime(2024, 6, 17, 0, 0, 0, DateTimeKind.Utc)),
        ["HeldDownloads.HeldAmong"] = c => Stats.Core.Import.HeldDownloads.HeldAmong(c, [1L, -5L]),
        ["HeldDownloads.Attachable"] = c => Stats.Core.Import.HeldDownloads.Attachable(c, 5_000),
        ["ImportRuns.Latest"] = c => Stats.Core.Import.ImportRuns.Latest(c, 50),
        ["ApiKeyService.AllKeys"] = ApiKeyService.AllKeys,
        ["ApiKeyService.KeyByPrefix"] = c => ApiKeyService.KeyByPrefix(c, "abcdefghij"),
        ["ApiKeyService.KeyByPrefixOrId"] = c => ApiKeyService.KeyByPrefixOrId(c, "abcdefghij", 3),
        ["ApiKeyService.KeyById"] = c => ApiKeyService.KeyById(c, 3),
        ["AccessRuleStore.AllRules"] = AccessRuleStore.AllRules,
        ["AccessRuleStore.RuleAt"] = c => AccessRuleStore.RuleAt(c, RuleScope.Community, "hep", StatFamily.Countries),
        ["AccessRuleStore.LatestChanges"] = c => AccessRuleStore.LatestChanges(c, 50),
        ["AccessPolicy.RecordsOf"] = c => AccessPolicy.RecordsOf(c, StatSubject.Concept, "concept-1"),
        ["AccessPolicy.FactsOf"] = c => AccessPolicy.FactsOf(c, ["abcd-1234", "efgh-5678"]),
        ["AccessPolicy.FactsOfConcept"] = c => AccessPolicy.FactsOfConcept(c, "concept-1"),
        ["OpenAireExportStatus.Bookmark"] = OpenAireExportStatus.Bookmark,
        ["EventTypeRegistry.StoredTypes"] = EventTypeRegistry.StoredTypes,
        ["CatalogSnapshot.RecordRows"] = c => CatalogSnapshot.RecordRows(c),
        ["CatalogSnapshot.RecordRows(some)"] = c => CatalogSnapshot.RecordRows(c, [7, 8]),
        ["CatalogSnapshot.Memberships"] = c => CatalogSnapshot.Memberships(c),
        ["CatalogSnapshot.Memberships(some)"] = c => CatalogSnapshot.Memberships(c, [7, 8]),
        ["CatalogSnapshot.LabelsOfKind"] = c => CatalogSnapshot.LabelsOfKind(c, LabelKind.Owner, ["alice", "bob"]),
        ["CatalogSnapshot.AllLabelsOfKind"] = c => CatalogSnapshot.AllLabelsOfKind(c, LabelKind.Status),
        ["DailyAggregator.DayStates"] = c => DailyAggregator.DayStates(c, [new DateOnly(2024, 6, 15)]),
        ["DailyAggregator.SipOutcomesAmong"] = c => DailyAggregator.SipOutcomesAmong(c, [3, 4]),
        ["ImportedAggregateWriter.StoredAmong"] = c => ImportedAggregateWriter.StoredAmong(c, [new DateOnly(2024, 6, 15)], ["ui_1", "b-1_f1"]),
        ["AggregationRunner.DirtyMarks"] = AggregationRunner.DirtyMarks,
        ["AggregationRunner.Lease"] = AggregationRunner.Lease,
        ["AggregateChangeWatcher.LatestRunOfOthers"] = c => AggregateChangeWatcher.LatestRunOfOthers(c, "host/1/abcd"),
        ["AggregateChangeWatcher.RunsOfOthersSince"] = c => AggregateChangeWatcher.RunsOfOthersSince(c, "host/1/abcd", new DateTime(2024, 6, 15, 12, 0, 0, DateTimeKind.Utc)),
        ["AggregateChangeWatcher.DaysAggregatedSince"] = c => AggregateChangeWatcher.DaysAggregatedSince(c, new DateTime(2024, 6, 15, 12, 0, 0, DateTimeKind.Utc)),
        ["PipelineMonitor.Runs(all)"] = c => PipelineMonitor.Runs(c, failed: null),
        ["PipelineMonitor.Runs(failed)"] = c => PipelineMonitor.Runs(c, failed: true),
        ["PipelineMonitor.Runs(succeeded)"] = c => PipelineMonitor.Runs(c, failed: false),
        ["SetupProgress.LastEventAt"] = Stats.Core.Queries.SetupProgress.LastEventAt,
        ["AnnotationStore.Covering"] = c => Stats.Core.Annotations.AnnotationStore.Covering(c, s_from, s_to),
        ["AnnotationStore.RecordCommunities"] = c => Stats.Core.Annotations.AnnotationStore.RecordCommunities(c, r => r.ExternalId == "rec-1"),
        ["SiteSearch.Records"] = c => Stats.Core.Queries.SiteSearch.Records(c, "lake"),
        ["SiteSearch.Communities"] = c => Stats.Core.Queries.SiteSearch.Communities(c, "lake"),
        ["SiteSearch.Owners"] = c => Stats.Core.Queries.SiteSearch.Owners(c, "lake"),
        ["DailySaltStore.SaltOf"] = c => DailySaltStore.SaltOf(c, new DateOnly(2024, 6, 15)),
        ["RawEventPurger.AggregatedDaysBefore"] = c => RawEventPurger.AggregatedDaysBefore(c, new DateOnly(2024, 1, 1)),
        ["RawEventPurger.DirtyDaysBefore"] = c => RawEventPurger.DirtyDaysBefore(c, new DateOnly(2024, 1, 1)),
        ["RawEventPurger.PurgeableDay"] = c => RawEventPurger.PurgeableDay(c, new DateOnly(2023, 12, 31)),
        ["RawEventPurger.EventsBetween"] = c => RawEventPurger.EventsBetween(c, new DateTime(2023, 12, 31, 0, 0, 0, DateTimeKind.Utc), new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc)),
        ["RawEventPurger.SliceEnd"] = c => RawEventPurger.SliceEnd(c, new DateTime(2023, 12, 31, 0, 0, 0, DateTimeKind.Utc), new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc), 10_000),
        ["UserErasure.StoredSalts"] = UserErasure.StoredSalts,
        ["UserErasure.DaysWithRawEvents"] = UserErasure.DaysWithRawEvents,
        ["UserErasure.EventsOfVisitor"] = c => UserErasure.EventsOfVisitor(c, new DateOnly(2024, 6, 15), -42L),
        ["UsageStats.ScopeIdOf"] = c => UsageStats.ScopeIdOf(c, StatScope.Concept, "concept-1"),
        ["UsageStats.UsageRows"] = c => UsageStats.UsageRows(c, StatScope.Owner, 7, s_from, s_to, AccessMethod.Regular),
        ["UsageStats.UsageRows(concept)"] = c => UsageStats.UsageRows(c, StatScope.Concept, 7, s_from, s_to, AccessMethod.Regular),
        ["UsageStats.UsagePerDay(file)"] = c => UsageStats.UsagePerDay(c, StatScope.File, 7, s_from, s_to, null),
        ["UsageStats.RecordRows"] = c => UsageStats.RecordRows(c, s_from, s_to, AccessMethod.Machine),
        ["UsageStats.InCommunity"] = c => UsageStats.InCommunity(c.Records, 3),
        ["UsageStats.UsageTotals"] = c => UsageStats.UsageTotals(c, StatScope.Record, 7, s_from, s_to, AccessMethod.Machine),
        ["UsageStats.UsagePerDay"] = c => UsageStats.UsagePerDay(c, StatScope.Community, 3, s_from, s_to, null),
        ["UsageStats.DownloadsPerFile"] = c => UsageStats.DownloadsPerFile(c, 7, s_from, s_to, AccessMethod.Regular),
        ["UsageStats.TopCommunities"] = c => UsageStats.TopCommunities(c, UsageMetric.Downloads, s_from, s_to, 5),
        ["UsageStats.TopOwners"] = c => UsageStats.TopOwners(c, UsageMetric.Views, s_from, s_to, 5),
        ["UsageStats.RecordInfoOf"] = c => UsageStats.RecordInfoOf(c, "r1"),
        ["UsageStats.UsagePerCountry"] = c => UsageStats.UsagePerCountry(c, StatScope.Repository, 0, s_from, s_to),
        ["UsageStats.UsagePerCountry(record)"] = c => UsageStats.UsagePerCountry(c, StatScope.Record, 7, s_from, s_to),
        ["UsageStats.LiveRecordsAmong"] = c => UsageStats.LiveRecordsAmong(c, [7, 8, 9]),
        ["PeriodSums.RecordSums"] = c => PeriodSums.RecordSums(c, s_from, s_to),
        ["PeriodSums.MonthRecordSums"] = c => PeriodSums.MonthRecordSums(c, s_from, s_to),
        ["PeriodSums.RepositoryCountrySums"] = c => PeriodSums.RepositoryCountrySums(c, s_from, s_to),
        ["UsageStats.TopRecords"] = c => UsageStats.TopRecords(c, UsageStats.InCommunity(c.Records.Where(r => r.DeletedAt == null), 3), UsageMetric.UniqueDownloads, s_from, s_to, AccessMethod.Regular, 10),
        ["UsageStats.TopRecords(data volume)"] = c => UsageStats.TopRecords(c, c.Records.Where(r => r.OwnerId == "alice"), UsageMetric.DataVolume, s_from, s_to, null, 10),
        ["UsageStats.TopRecordChanges(data volume)"] = c => UsageStats.TopRecordChanges(c, c.Records.Where(r => r.OwnerId == "alice"), UsageMetric.DataVolume, new Period(s_from, s_to), new Period(s_from.AddDays(-30), s_from.AddDays(-1)), ChangeOrder.Relative, 10),
        ["UsageStats.TopRecordChanges(absolute)"] = c => UsageStats.TopRecordChanges(c, c.Records.Where(r => r.OwnerId == "alice"), UsageMetric.Downloads, new Period(s_from, s_to), new Period(s_from.AddDays(-30), s_from.AddDays(-1)), ChangeOrder.Absolute, 10),
        ["UsageStats.TopRecordChanges(relative)"] = c => UsageStats.TopRecordChanges(c, c.Records.Where(r => r.DeletedAt == null), UsageMetric.Views, new Period(s_from, s_to), new Period(s_from.AddDays(-30), s_from.AddDays(-1)), ChangeOrder.Relative, 10),
        ["UsageStats.UsageOfRecords"] = c => UsageStats.UsageOfRecords(c, [12, 34], s_from, s_to),
        ["UsageStats.UsagePerAccessMethod"] = c => UsageStats.UsagePerAccessMethod(c, StatScope.Concept, 7, s_from, s_to),
        ["UsageStats.ImportedDays"] = c => UsageStats.ImportedDays(c, StatScope.Record, 7, s_from, s_to),
        ["UsageStats.ImportSources"] = c => UsageStats.ImportSources(c, c.Records.Where(r => r.ParentExternalId == "c1"), s_from, s_to),
        ["UsageStats.RecordsAmong"] = c => UsageStats.RecordsAmong(c, ["abcd-1234", "efgh-5678"]),
        ["UsageStats.CommunitiesAmong"] = c => UsageStats.CommunitiesAmong(c, ["hep", "climate"]),
        ["UsageStats.OwnersAmong"] = c => UsageStats.OwnersAmong(c, ["alice", "bob"]),
        ["UsageStats.UsageOfKeys"] = c => UsageStats.UsageOfKeys(c, StatScope.Owner, UsageStats.OwnersAmong(c, ["alice", "bob"]), s_from, s_to),
        ["EmbedStats.UsagePerScopeAndDay(record)"] = c => EmbedStats.UsagePerScopeAndDay(c, StatSubject.Record, "abcd-1234", s_from, s_to),
        ["EmbedStats.UsagePerScopeAndDay(community)"] = c => EmbedStats.UsagePerScopeAndDay(c, StatSubject.Community, "hep", s_from, s_to),
        ["EmbedStats.UsagePerScopeAndDay(owner)"] = c => EmbedStats.UsagePerScopeAndDay(c, StatSubject.Owner, "alice", s_from, s_to),
        ["EmbedStats.ConceptUsagePerDay"] = c => EmbedStats.ConceptUsagePerDay(c, "abcd-1234", s_from, s_to),
        ["CounterReportService.Communities"] = CounterReportService.Communities,
        ["CounterReportService.DirtyDaysFrom"] = c => CounterReportService.DirtyDaysFrom(c, s_from),
        ["CounterReportService.FirstUsageDay"] = CounterReportService.FirstUsageDay,
        ["CounterReportService.ResourceTypes"] = CounterReportService.ResourceTypes,
        ["CounterReportService.UsageByRecord"] = c => CounterReportService.UsageByRecord(c, UsageStats.InCommunity(c.Records, 3), s_from, s_to, AccessMethod.Regular),
        ["CounterReportService.ImportedMonths"] = c => CounterReportService.ImportedMonths(c, c.Records, s_from, s_to),
        ["CounterReportService.UsageByRecord(imports)"] = c => CounterReportService.UsageByRecord(c, c.Records, s_from, s_to, AccessMethod.Regular, includeImported: true),
        ["CounterReportService.UsageByResourceType"] = c => CounterReportService.UsageByResourceType(c, c.Records.Where(r => r.ExternalId == "abcd-1234"), s_from, s_to, null),
        ["CounterReportService.ItemDetails"] = c => CounterReportService.ItemDetails(c, [7, 8]),
        ["DatasetReportBuilder.DirtyDaysBetween"] = c => DatasetReportBuilder.DirtyDaysBetween(c, s_from, s_to),
        ["DatasetReportBuilder.DatasetsUsedBetween"] = c => DatasetReportBuilder.DatasetsUsedBetween(c, s_from, s_to),
        ["DatasetReportBuilder.UsagePerDataset"] = c => DatasetReportBuilder.UsagePerDataset(c, s_from, s_to),
        ["DatasetReportBuilder.CountriesPerDataset"] = c => DatasetReportBuilder.CountriesPerDataset(c, s_from, s_to),
        ["ActivityStats.ActivityRows"] = c => ActivityStats.ActivityRows(c, Activity.FeatureUsed, 3, s_from, s_to),
        ["ActivityStats.ActivityRangeRows"] = c => ActivityStats.ActivityRangeRows(c, Activity.LoanCreated, Activity.LoanRequested, 0, s_from, s_to),
        ["ActivityStats.ActivityTotal"] = c => ActivityStats.ActivityTotal(c, Activity.NewRecord, 3, s_from, s_to),
        ["ActivityStats.ActivityPerDay"] = c => ActivityStats.ActivityPerDay(c, Activity.NewSubmission, 3, s_from, s_to),
        ["ActivityStats.ActivityRangeTotals"] = c => ActivityStats.ActivityRangeTotals(c, Activity.SipCreated, Activity.SipFailed, 0, s_from, s_to),
        ["ActivityStats.ActivityRangePerDay"] = c => ActivityStats.ActivityRangePerDay(c, Activity.LoanCreated, Activity.LoanRequested, 0, s_from, s_to),
        ["ActivityStats.TopSubjects"] = c => ActivityStats.TopSubjects(c, Activity.FeatureUsed, 3, s_from, s_to, 10),
        ["ActivityStats.CountsPerDetail"] = c => ActivityStats.CountsPerDetail(c, Activity.NewRecord, 3, s_from, s_to),
        ["ActivityStats.RecordsPerAccessRight"] = c => ActivityStats.RecordsPerAccessRight(c, 3),
        ["ActivityStats.UsageOfOwnersInCommunity"] = c => ActivityStats.UsageOfOwnersInCommunity(c, ["owner-7", "owner-8"], 3, s_from, s_to, null),
        ["ActivityStats.CirculationPer"] = c => ActivityStats.CirculationPer(c, s => s.DetailId, s_from, s_to, 10),
        ["ActivityStats.CommunitiesWithRecords"] = ActivityStats.CommunitiesWithRecords,
        ["ActivityStats.UsagePerCommunity"] = c => ActivityStats.UsagePerCommunity(c, s_from, s_to, AccessMethod.Regular),
        ["ActivityStats.ActivityPerCommunity"] = c => ActivityStats.ActivityPerCommunity(c, Activity.NewRecord, s_from, s_to),
        ["SipStoreStats.RecordsWithSips"] = c => SipStoreStats.RecordsWithSips(c, 3, new DateTime(2024, 7, 1, 0, 0, 0, DateTimeKind.Utc)),
        ["SipStoreStats.ProcessingTimes"] = c => SipStoreStats.ProcessingTimes(c, 0, new DateTime(2024, 6, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2024, 7, 1, 0, 0, 0, DateTimeKind.Utc)),
        ["SipStoreStats.FailedSips"] = c => SipStoreStats.FailedSips(c, 3, null, new DateTime(2024, 7, 1, 0, 0, 0, DateTimeKind.Utc), 100),
        ["SipStoreStats.ArchiveSizePerDay"] = c => SipStoreStats.ArchiveSizePerDay(c, 0, s_from, s_to),
        ["SipStoreStats.LatestArchiveSize"] = c => SipStoreStats.LatestArchiveSize(c, 3, s_to),
    };

    [Theory]
    [MemberData(nameof(Queries))]
    public void QueryTranslatesToSqlServerSql(string query)
    {
        var sql = s_queries[query](_context).ToQueryString();

        Assert.Contains("SELECT", sql, StringComparison.Ordinal);
        Assert.Contains("FROM [", sql, StringComparison.Ordinal);
        AssertParses(sql);
    }

    public static TheoryData<string> RawStatements => [.. s_rawStatements.Keys];

    // The SQL the product writes by hand and may send to SQL Server, by name (the SQLite- and PostgreSQL-only
    // statements are not listed: they never reach SQL Server).
    private static readonly Dictionary<string, string> s_rawStatements = new(StringComparer.Ordinal)
    {
        ["RawDayReader.DaySql"] = RawDayReader.DaySql,
        ["RawDayReader.FollowersSql"] = RawDayReader.FollowersSql,
        ["ImportedUsage.LabelsSql"] = ImportedUsage.LabelsSql,
        ["ImportedUsage.RecordRowsSql"] = ImportedUsage.RecordRowsSql,
        ["ImportedUsage.FileRowsSql"] = ImportedUsage.FileRowsSql,
        ["ImportedUsage.WiderRowsSql"] = ImportedUsage.WiderRowsSql,
    };

    [Theory]
    [MemberData(nameof(RawStatements))]
    public void HandWrittenSqlParsesAsTSql(string statement) => AssertParses(s_rawStatements[statement]);

    [Fact]
    public void TheProductsOwnTransactionsAreAllowedOnSqlServer()
    {
        // A retrying execution strategy throws on every statement inside a user transaction, before any server is reached.
        Assert.False(_context.Database.CreateExecutionStrategy().RetriesOnFailure);
    }

    [Fact]
    public void TheGrammarCheckRefusesWhatSqlServerWouldRefuse()
    {
        // The check itself must be able to fail: PostgreSQL's LIMIT and a missing FROM table are not T-SQL.
        Assert.NotEmpty(ParseErrors("SELECT [Id] FROM [Records] LIMIT 10"));
        Assert.NotEmpty(ParseErrors("SELECT [Id] FROM WHERE [Id] = 1"));
        Assert.Empty(ParseErrors("SELECT TOP(10) [Id] FROM [Records] WHERE \"ExternalId\" = N'r1'"));
    }

    private static void AssertParses(string sql)
    {
        var errors = ParseErrors(sql);
        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors.Select(e => $"line {e.Line}, column {e.Column}: {e.Message}")) + Environment.NewLine + sql);
    }

    private static IList<ParseError> ParseErrors(string sql)
    {
        Assert.Equal(160, StatsDbContextFactory.SqlServerCompatibilityLevel);
        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(sql);
        parser.Parse(reader, out var errors);
        return errors;
    }

    [Fact]
    public void UsageRangeReadsFilterOnTheWholeKeyAndSumInTheDatabase()
    {
        var sql = UsageStats.UsageTotals(_context, StatScope.Record, 7, s_from, s_to, null).ToQueryString();

        Assert.Contains("WHERE [u].[Scope] = @scope AND [u].[ScopeId] = @id AND [u].[Day] >= @from AND [u].[Day] <= @to", sql, StringComparison.Ordinal);
        Assert.Contains("SUM(CAST([u].[Views] AS bigint))", sql, StringComparison.Ordinal);
        Assert.Contains("GROUP BY [u].[Scope]", sql, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateScriptGenerates()
    {
        var script = _context.Database.GenerateCreateScript();

        Assert.Contains("CREATE TABLE [RawEvents]", script, StringComparison.Ordinal);
        Assert.Contains("CREATE TABLE [EventTypes]", script, StringComparison.Ordinal);
        AssertParses(script);
    }

    [Fact]
    public void MigrationScriptGeneratesFromAnEmptyDatabase()
    {
        var script = _context.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);

        Assert.Contains("__EFMigrationsHistory", script, StringComparison.Ordinal);
        Assert.Contains("CREATE TABLE [RawEvents]", script, StringComparison.Ordinal);
        Assert.Contains("INSERT INTO [EventTypes]", script, StringComparison.Ordinal);
        Assert.Contains(_context.Database.GetMigrations().Last(), script, StringComparison.Ordinal);
        AssertParses(script);
    }

    [Fact]
    public void EachMigrationStepParsesAsTSql()
    {
        var migrations = _context.Database.GetMigrations().ToList();
        var migrator = _context.GetService<IMigrator>();
        for (var i = 0; i < migrations.Count; i++)
        {
            // Up from the previous migration, and down again: an operator may roll a release back.
            AssertParses(migrator.GenerateScript(i == 0 ? Migration.InitialDatabase : migrations[i - 1], migrations[i]));
            AssertParses(migrator.GenerateScript(migrations[i], i == 0 ? Migration.InitialDatabase : migrations[i - 1]));
        }
    }

    [Fact]
    public async Task MarkingDirtyDaysUpdatesTheKnownDayAndInsertsTheNewOneInTSql()
    {
        var known = new DateOnly(2024, 6, 1);
        // The update of the new day finds no mark to update.
        var connection = new RecordingSqlServerConnection
        {
            RowsAffected = command => command.Parameters.Cast<DbParameter>().Any(p => p.Value is DateOnly day && day != known) ? 0 : 1,
        };
        await using var context = connection.CreateContext();
        await using var transaction = await context.Database.BeginTransactionAsync(Cancellation);

        await DirtyDayMarks.MarkAsync(context, new Dictionary<DateOnly, long> { [known] = 3, [known.AddDays(1)] = 4 }, new DateTime(2024, 6, 2, 9, 0, 0), Cancellation);

        Assert.Contains(connection.Statements, sql => sql.Contains("UPDATE [d]", StringComparison.Ordinal) && sql.Contains("[PendingEvents] + ", StringComparison.Ordinal));
        Assert.Contains(connection.Statements, sql => sql.Contains("INSERT INTO [DirtyDays]", StringComparison.Ordinal));
        Assert.All(connection.Statements, AssertParses);
    }

    [Fact]
    public async Task TakingAndReleasingALeaseAreConditionalUpdatesAndACreationInTSql()
    {
        var connection = new RecordingSqlServerConnection();
        await using var context = connection.CreateContext();
        var now = new DateTime(2024, 6, 2, 9, 0, 0);

        Assert.True(await StoreLease.TryTakeAsync(context, "aggregation", "instance-1", now, TimeSpan.FromMinutes(1), Cancellation));
        await StoreLease.ReleaseAsync(context, "aggregation", "instance-1", now, Cancellation);

        Assert.Equal(2, connection.Statements.Count(sql => sql.Contains("UPDATE [a]", StringComparison.Ordinal)));
        Assert.All(connection.Statements, AssertParses);
    }

    [Fact]
    public async Task PurgingRawEventsPastTheHorizonDeletesThemAndMarksTheDayInTSql()
    {
        var connection = new RecordingSqlServerConnection();
        var day = new DateOnly(2024, 1, 10);
        // The store has one aggregated day past the horizon, still purgeable when its deleting transaction checks.
        connection.Answer = sql =>
            sql.Contains("THEN CAST(1 AS bit)", StringComparison.Ordinal) ? Table("Value", true)
            : sql.Contains("FROM [AggregatedDays]", StringComparison.Ordinal) ? Table("Day", day)
            : null;
        var purger = new RawEventPurger(
            new RecordingContexts(connection), Microsoft.Extensions.Options.Options.Create(new RetentionOptions { RawEventMaxAgeDays = 30 }),
            new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2024, 6, 2, 9, 0, 0, TimeSpan.Zero)));

        await purger.PurgeAsync(dryRun: false, Cancellation);

        Assert.Contains(connection.Statements, sql => sql.Contains("DELETE FROM [r]", StringComparison.Ordinal));
        Assert.Contains(connection.Statements, sql => sql.Contains("[RawEventsPurgedAt] = ", StringComparison.Ordinal));
        Assert.All(connection.Statements, AssertParses);
    }

    private static System.Data.DataTable Table<T>(string column, params T[] values)
        where T : notnull
    {
        var table = new System.Data.DataTable();
        table.Columns.Add(column, typeof(T));
        foreach (var value in values)
        {
            table.Rows.Add(value);
        }

        return table;
    }

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private sealed class RecordingContexts(RecordingSqlServerConnection connection) : IDbContextFactory<StatsDbContext>
    {
        public StatsDbContext CreateDbContext() => connection.CreateContext();
    }

    public void Dispose() => _context.Dispose();
}
