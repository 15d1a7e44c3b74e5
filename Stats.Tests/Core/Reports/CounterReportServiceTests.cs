using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Stats.Core.Access;
using Stats.Core.Data;
using Stats.Core.Demo;
using Stats.Core.Ingestion;
using Stats.Core.Reports;
using Stats.Core.Retention;
using Stats.Tests.Builders;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Core.Reports;

/// <summary>COUNTER R5.1 reports built from events through ingestion and aggregation, on every provider.</summary>
public sealed class CounterReportServiceTests
{
    private static readonly DateTimeOffset s_julyTenth = new(2024, 7, 10, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset s_juneNoon = new(2024, 6, 15, 12, 0, 0, TimeSpan.Zero);
    private const string MachineAgent = "curl/8.5.0";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>A harvester's key that reads as a signed-in user: neither an owner, a curator nor an admin.</summary>
    private static readonly StatsViewer s_harvester = new(true, null, "harvester", IsAdmin: false, new HashSet<string>(StringComparer.Ordinal));

    private static readonly StatsViewer s_admin = s_harvester with { IsAdmin = true };

    private static CounterReportService Service(TestStore store, TimeProvider clock, SushiOptions? options = null, AccessRuleStore? rules = null) =>
        new(store.Contexts, Options.Create(options ?? new SushiOptions()), clock, new AccessPolicy(store.Contexts, rules));

    private static Task<CounterReportResult> ReportAsync(
        CounterReportService service, CounterReport report, string begin, string end, params (string Name, string Value)[] more) =>
        ReportAsync(service, s_harvester, report, begin, end, more);

    private static async Task<CounterReportResult> ReportAsync(
        CounterReportService service, StatsViewer viewer, CounterReport report, string begin, string end, params (string Name, string Value)[] more)
    {
        var query = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["customer_id"] = SushiOptions.WorldCustomerId,
            ["begin_date"] = begin,
            ["end_date"] = end,
        };
        foreach (var (name, value) in more)
        {
            query[name] = value;
        }

        return await service.BuildAsync(ReportRequest.Parse(report, query, new SushiOptions()), viewer, Cancellation);
    }

    private static JsonObject Json(CounterReportResult result) => CounterJson.Report(result, new SushiOptions());

    private static long Count(ReportLine line, string metric, string month) =>
        line.Metrics.TryGetValue(metric, out var months) ? months.GetValueOrDefault(month) : 0;

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task TheCounterAuditDoubleClickTestReads45RequestsAnd30UniqueItemsInTheItemReport(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store, s_julyTenth);
        // 15 pairs of downloads 10 s apart (one counted each) and 15 pairs 40 s apart (both counted), each pair in its own session.
        var events = new List<IncomingEvent> { TestEvents.Published("audit-1", s_juneNoon.AddDays(-10), title: "Audit item") };
        for (var pair = 0; pair < 30; pair++)
        {
            var start = s_juneNoon.AddMinutes(pair * 5);
            var gap = pair < 15 ? 10 : 40;
            events.Add(TestEvents.Download("audit-1", "paper.pdf", start, sessionId: $"audit-session-{pair}"));
            events.Add(TestEvents.Download("audit-1", "paper.pdf", start.AddSeconds(gap), sessionId: $"audit-session-{pair}"));
        }

        await ingestion.IngestAsync([.. events]);
        await ingestion.AggregateAsync();

        var result = await ReportAsync(Service(store, ingestion.Clock), CounterReport.IR, "2024-06", "2024-06");

        var line = Assert.Single(result.Lines);
        Assert.Equal("audit-1", line.Item!.Recid);
        Assert.Equal(
            (45L, 45L, 30L, 30L),
            (Count(line, "Total_Item_Investigations", "2024-06"), Count(line, "Total_Item_Requests", "2024-06"),
             Count(line, "Unique_Item_Investigations", "2024-06"), Count(line, "Unique_Item_Requests", "2024-06")));
        Assert.Empty(result.Exceptions);
        Assert.Empty(CounterSchema.Errors("IR", Json(result)));
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task TheReportsOfTheDemoDataValidateAgainstTheSchemaAndKeepTheMetricRelations(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        await new DemoSeeder(ingestion.Ingestor, ShippedReferenceData.Countries, Options.Create(new RetentionOptions()), ingestion.Clock, ingestion.Store.Contexts)
            .SeedAsync(new DemoOptions { Days = 60, Records = 40 }, Cancellation);
        await ingestion.AggregateAsync();
        var service = Service(store, ingestion.Clock);

        // The harness's clock stands on 2024-06-20: April and May are complete, June is not.
        var ir = await ReportAsync(service, CounterReport.IR, "2024-04", "2024-06",
            ("attributes_to_show", "YOP|Access_Type|Access_Method|Publication_Date"), ("access_method", "Regular|TDM"));
        var pr = await ReportAsync(service, CounterReport.PR, "2024-04", "2024-06", ("attributes_to_show", "Access_Method"), ("access_method", "Regular|TDM"));
        var prP1 = await ReportAsync(service, CounterReport.PR_P1, "2024-04", "2024-06");
        var irA1 = await ReportAsync(service, CounterReport.IR_A1, "2024-04", "2024-06");

        Assert.Empty(CounterSchema.Errors("IR", Json(ir)));
        Assert.Empty(CounterSchema.Errors("PR", Json(pr)));
        Assert.Empty(CounterSchema.Errors("PR_P1", Json(prP1)));
        Assert.Empty(CounterSchema.Errors("IR_A1", Json(irA1)));
        Assert.True(ir.Lines.Count > 10, "The demo data should give items to check.");
        Assert.NotEmpty(irA1.Lines);
        foreach (var line in ir.Lines.Concat(pr.Lines))
        {
            foreach (var month in new[] { "2024-04", "2024-05" })
            {
                var (tii, uii, tir, uir) = (Count(line, "Total_Item_Investigations", month), Count(line, "Unique_Item_Investigations", month),
                    Count(line, "Total_Item_Requests", month), Count(line, "Unique_Item_Requests", month));
                Assert.True(tii >= uii && tii >= tir && tii >= uir && uii >= uir && tir >= uir, $"{line.Item?.Recid} {line.DataType} {line.AccessMethod} {month}: {tii}/{uii}/{tir}/{uir}");
            }
        }

        Assert.Contains(ir.Exceptions, e => e.Code == 3031 && e.Data == "2024-06");
        Assert.DoesNotContain(ir.Lines.SelectMany(l => l.Metrics.Values).SelectMany(m => m.Keys), m => m == "2024-06");

        // The platform is the sum of its items, and both match the repository's own aggregate rows.
        await using var context = store.CreateContext();
        var mayRegular = await context.UsageDailyStats
            .Where(s => s.Scope == StatScope.Repository && s.AccessMethod == AccessMethod.Regular && s.Day >= new DateOnly(2024, 5, 1) && s.Day <= new DateOnly(2024, 5, 31))
            .SumAsync(s => (long)s.UniqueDownloads, Cancellation);
        Assert.True(mayRegular > 0);
        Assert.Equal(mayRegular, pr.Lines.Where(l => l.AccessMethod == "Regular").Sum(l => Count(l, "Unique_Item_Requests", "2024-05")));
        Assert.Equal(mayRegular, ir.Lines.Where(l => l.AccessMethod == "Regular").Sum(l => Count(l, "Unique_Item_Requests", "2024-05")));
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task UsageTheAccessRulesHideFromTheHarvesterIsLeftOutOfItsItemReportAndOfItsPlatformTotals(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store, s_julyTenth);
        await ingestion.IngestAsync(
            TestEvents.Published("rules-open", s_juneNoon.AddDays(-30), communities: ["rules-public"]),
            TestEvents.Published("rules-in-staff", s_juneNoon.AddDays(-30), communities: ["rules-staff"]),
            TestEvents.Published("rules-own-rule", s_juneNoon.AddDays(-30), communities: ["rules-public"]),
            // The open record: a view and a download in one session.
            TestEvents.View("rules-open", s_juneNoon, sessionId: "s-1"),
            TestEvents.Download("rules-open", "a.csv", s_juneNoon.AddMinutes(1), sessionId: "s-1"),
            // The staff community's record: two views, two sessions. The record with its own rule: one download.
            TestEvents.View("rules-in-staff", s_juneNoon, sessionId: "s-2"),
            TestEvents.View("rules-in-staff", s_juneNoon, sessionId: "s-3"),
            TestEvents.Download("rules-own-rule", "b.csv", s_juneNoon, sessionId: "s-4"));
        await ingestion.AggregateAsync();
        var rules = new AccessRuleStore(store.Contexts, ingestion.Clock, Options.Create(new AccessOptions()), NullLogger<AccessRuleStore>.Instance);
        await rules.SetAsync(RuleTarget.Community("rules-staff"), StatFamily.Usage, Audience.AdminsOnly, "admin", Cancellation);
        await rules.SetAsync(RuleTarget.Record("rules-own-rule"), StatFamily.Usage, Audience.Curators | Audience.Owners, "admin", Cancellation);
        var service = Service(store, ingestion.Clock, rules: rules);

        var harvesterItems = await ReportAsync(service, s_harvester, CounterReport.IR, "2024-06", "2024-06");
        var adminItems = await ReportAsync(service, s_admin, CounterReport.IR, "2024-06", "2024-06");
        var harvesterPlatform = await ReportAsync(service, s_harvester, CounterReport.PR, "2024-06", "2024-06");
        var adminPlatform = await ReportAsync(service, s_admin, CounterReport.PR, "2024-06", "2024-06");

        Assert.Equal(["rules-open"], harvesterItems.Lines.Select(l => l.Item!.Recid));
        Assert.Equal(["rules-in-staff", "rules-open", "rules-own-rule"], adminItems.Lines.Select(l => l.Item!.Recid).Order(StringComparer.Ordinal));
        // (Total and unique investigations, total and unique requests.) The harvester's platform is the open record alone...
        Assert.Equal((2L, 1L, 1L, 1L), JuneTotals(harvesterPlatform));
        // ...the admin's adds the staff record's two views (2, 2, 0, 0) and the other record's download (1, 1, 1, 1).
        Assert.Equal((5L, 4L, 2L, 2L), JuneTotals(adminPlatform));
        Assert.Empty(CounterSchema.Errors("PR", Json(harvesterPlatform)));
        Assert.Empty(CounterSchema.Errors("IR", Json(harvesterItems)));

        static (long, long, long, long) JuneTotals(CounterReportResult report) =>
            (report.Lines.Sum(l => Count(l, "Total_Item_Investigations", "2024-06")), report.Lines.Sum(l => Count(l, "Unique_Item_Investigations", "2024-06")),
             report.Lines.Sum(l => Count(l, "Total_Item_Requests", "2024-06")), report.Lines.Sum(l => Count(l, "Unique_Item_Requests", "2024-06")));
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task AMonthWithADayWaitingForAggregationIsNotReady(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store, s_julyTenth);
        await ingestion.IngestAsync(TestEvents.View("late-1", s_juneNoon, sessionId: "s-1"), TestEvents.View("late-1", new DateTimeOffset(2024, 5, 3, 9, 0, 0, TimeSpan.Zero), sessionId: "s-2"));
        await ingestion.AggregateAsync();
        await ingestion.IngestAsync(TestEvents.View("late-1", s_juneNoon.AddDays(1), sessionId: "s-3"));

        var result = await ReportAsync(Service(store, ingestion.Clock), CounterReport.IR, "2024-05", "2024-06");

        Assert.Equal([(3031, "2024-06")], result.Exceptions.Select(e => (e.Code, e.Data!)));
        var line = Assert.Single(result.Lines);
        Assert.Equal(["2024-05"], line.Metrics["Total_Item_Investigations"].Keys);
        Assert.Empty(CounterSchema.Errors("IR", Json(result)));
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task MonthsAndItemsWithoutUsageAreLeftOutAndNoUsageAtAllIs3030(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store, s_julyTenth);
        await ingestion.IngestAsync(
            TestEvents.Published("quiet-1", s_juneNoon.AddDays(-30)),
            TestEvents.View("busy-1", new DateTimeOffset(2024, 3, 5, 9, 0, 0, TimeSpan.Zero), sessionId: "s-1"),
            TestEvents.View("busy-1", new DateTimeOffset(2024, 5, 5, 9, 0, 0, TimeSpan.Zero), sessionId: "s-2"));
        await ingestion.AggregateAsync();
        var service = Service(store, ingestion.Clock);

        var spring = await ReportAsync(service, CounterReport.IR, "2024-03", "2024-05");
        var june = await ReportAsync(service, CounterReport.IR, "2024-06", "2024-06");

        var line = Assert.Single(spring.Lines);
        Assert.Equal("busy-1", line.Item!.Recid);
        Assert.Equal(["2024-03", "2024-05"], line.Metrics["Total_Item_Investigations"].Keys);
        Assert.Empty(june.Lines);
        Assert.Equal([3030], june.Exceptions.Select(e => e.Code));
        Assert.Empty(CounterSchema.Errors("IR", Json(june)));
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task ScriptedUseIsReportedApartAsTdmAndOnlyWhenAskedFor(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store, s_julyTenth);
        await ingestion.IngestAsync(
            TestEvents.View("tool-1", s_juneNoon, sessionId: "person"),
            TestEvents.View("tool-1", s_juneNoon.AddHours(1), sessionId: "script", userAgent: MachineAgent),
            TestEvents.View("tool-1", s_juneNoon.AddHours(2), sessionId: "script-2", userAgent: MachineAgent));
        await ingestion.AggregateAsync();
        var service = Service(store, ingestion.Clock);

        var regular = await ReportAsync(service, CounterReport.IR, "2024-06", "2024-06");
        var both = await ReportAsync(service, CounterReport.IR, "2024-06", "2024-06", ("access_method", "Regular|TDM"), ("attributes_to_show", "Access_Method"));
        var rolledUp = await ReportAsync(service, CounterReport.IR, "2024-06", "2024-06", ("access_method", "Regular|TDM"));

        Assert.Equal(1, Count(Assert.Single(regular.Lines), "Total_Item_Investigations", "2024-06"));
        Assert.Equal(
            [("Regular", 1L), ("TDM", 2L)],
            both.Lines.Select(l => (l.AccessMethod!, Count(l, "Total_Item_Investigations", "2024-06"))));
        Assert.Equal(3, Count(Assert.Single(rolledUp.Lines), "Total_Item_Investigations", "2024-06"));
        Assert.Empty(CounterSchema.Errors("IR", Json(both)));
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task AccessTypeFollowsTheRecordsAccessRightAndFilters(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store, s_julyTenth);
        await ingestion.IngestAsync(
            TestEvents.Published("open-1", s_juneNoon.AddYears(-3), accessRight: "open"),
            TestEvents.Published("closed-1", s_juneNoon.AddYears(-1), accessRight: "restricted"),
            TestEvents.View("open-1", s_juneNoon, sessionId: "a"),
            TestEvents.View("closed-1", s_juneNoon, sessionId: "b"));
        await ingestion.AggregateAsync();
        var service = Service(store, ingestion.Clock);

        var all = await ReportAsync(service, CounterReport.IR, "2024-06", "2024-06", ("attributes_to_show", "Access_Type|YOP"));
        var open = await ReportAsync(service, CounterReport.IR, "2024-06", "2024-06", ("access_type", "Open"));
        var recent = await ReportAsync(service, CounterReport.IR, "2024-06", "2024-06", ("yop", "2022-2024"));

        Assert.Equal(
            [("closed-1", "Controlled", "2023"), ("open-1", "Open", "2021")],
            all.Lines.Select(l => (l.Item!.Recid, l.AccessType!, l.Yop!)).OrderBy(l => l.Recid, StringComparer.Ordinal));
        Assert.Equal(["open-1"], open.Lines.Select(l => l.Item!.Recid));
        Assert.Equal(["closed-1"], recent.Lines.Select(l => l.Item!.Recid));
        Assert.Empty(CounterSchema.Errors("IR", Json(all)));
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task GranularityTotalSumsThePeriodIntoOneCount(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store, s_julyTenth);
        await ingestion.IngestAsync(
            TestEvents.Download("sum-1", "a.csv", new DateTimeOffset(2024, 4, 2, 9, 0, 0, TimeSpan.Zero), sessionId: "a"),
            TestEvents.Download("sum-1", "a.csv", new DateTimeOffset(2024, 6, 2, 9, 0, 0, TimeSpan.Zero), sessionId: "b"),
            TestEvents.Download("sum-1", "b.csv", new DateTimeOffset(2024, 6, 2, 9, 5, 0, TimeSpan.Zero), sessionId: "b"));
        await ingestion.AggregateAsync();

        var result = await ReportAsync(Service(store, ingestion.Clock), CounterReport.PR, "2024-04", "2024-06", ("granularity", "Totals"));

        // Three downloads; two sessions each with one item: unique requests 2.
        var line = Assert.Single(result.Lines);
        Assert.Equal(3, Count(line, "Total_Item_Requests", "2024-04"));
        Assert.Equal(2, Count(line, "Unique_Item_Requests", "2024-04"));
        Assert.Single(line.Metrics["Total_Item_Requests"]);
        Assert.Equal("Total", Json(result)["Report_Header"]!["Report_Attributes"]!["Granularity"]!.GetValue<string>());
        Assert.Empty(CounterSchema.Errors("PR", Json(result)));
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task ACommunityAsACustomerSeesOnlyItsRecordsWhenCommunitiesAreMembers(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store, s_julyTenth);
        await ingestion.IngestAsync(
            TestEvents.Published("hep-1", s_juneNoon.AddDays(-5), communities: ["hep"]),
            TestEvents.Published("bio-1", s_juneNoon.AddDays(-5), communities: ["bio"]),
            TestEvents.View("hep-1", s_juneNoon, sessionId: "a"),
            TestEvents.View("bio-1", s_juneNoon, sessionId: "b"));
        await ingestion.AggregateAsync();
        var withCommunities = Service(store, ingestion.Clock, new SushiOptions { CommunityMembers = true });
        var worldOnly = Service(store, ingestion.Clock);
        var query = new Dictionary<string, string>(StringComparer.Ordinal) { ["customer_id"] = "hep", ["begin_date"] = "2024-06", ["end_date"] = "2024-06" };

        var members = await withCommunities.MembersAsync(Cancellation);
        var hep = await withCommunities.BuildAsync(ReportRequest.Parse(CounterReport.IR, query, new SushiOptions()), s_harvester, Cancellation);
        var refused = await Assert.ThrowsAsync<CounterRequestException>(() => worldOnly.BuildAsync(ReportRequest.Parse(CounterReport.IR, query, new SushiOptions()), s_harvester, Cancellation));

        Assert.Equal([SushiOptions.WorldCustomerId, "bio", "hep"], members.Select(m => m.CustomerId));
        Assert.Equal(["hep-1"], hep.Lines.Select(l => l.Item!.Recid));
        Assert.Equal((2010, 403), (refused.Error.Code, refused.Error.HttpStatus));
        Assert.Single(await worldOnly.MembersAsync(Cancellation));
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task JournalArticleRequestsAreListedOnceTheCatalogHasArticlesAndReportOnlyThem(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store, s_julyTenth);
        await ingestion.IngestAsync(
            TestEvents.Published("data-1", s_juneNoon.AddYears(-1)),
            TestEvents.Download("data-1", "a.csv", new DateTimeOffset(2024, 3, 5, 9, 0, 0, TimeSpan.Zero), sessionId: "a"));
        await ingestion.AggregateAsync();
        var service = Service(store, ingestion.Clock);
        var before = await service.ReportListAsync(Cancellation);

        await ingestion.IngestAsync(
            new IncomingEvent
            {
                Type = Stats.Core.Events.EventCatalog.RecordPublished, Timestamp = s_juneNoon.AddYears(-1), Recid = "paper-1",
                AccessRight = "open", ResourceType = "publication-article", Title = "A paper",
            },
            TestEvents.View("paper-1", s_juneNoon, sessionId: "b"),
            TestEvents.Download("paper-1", "paper.pdf", s_juneNoon.AddMinutes(1), sessionId: "b"),
            TestEvents.Download("data-1", "a.csv", s_juneNoon.AddMinutes(2), sessionId: "b"));
        await ingestion.AggregateAsync();
        var after = await service.ReportListAsync(Cancellation);
        var a1 = await ReportAsync(service, CounterReport.IR_A1, "2024-06", "2024-06");

        Assert.Equal([CounterReport.PR, CounterReport.PR_P1, CounterReport.IR], before.Select(r => r.Report));
        Assert.Equal([CounterReport.PR, CounterReport.PR_P1, CounterReport.IR, CounterReport.IR_A1], after.Select(r => r.Report));
        // Usage from March; the clock stands in July, so June is the last complete month.
        Assert.All(after, r => Assert.Equal(("2024-03", "2024-06"), (r.FirstMonthAvailable, r.LastMonthAvailable)));
        var line = Assert.Single(a1.Lines);
        Assert.Equal(("paper-1", "Open"), (line.Item!.Recid, line.AccessType!));
        Assert.Equal(["Total_Item_Requests", "Unique_Item_Requests"], line.Metrics.Keys.Order(StringComparer.Ordinal));
        Assert.Empty(CounterSchema.Errors("IR_A1", Json(a1)));
    }

    [Fact]
    public async Task ATitleASpreadsheetWouldRunAsAFormulaIsNeutralisedInTheTabularForm()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var ingestion = new IngestionHarness(store, s_julyTenth);
        const string Title = "=HYPERLINK(\"http://evil.example\",\"Open me\")";
        await ingestion.IngestAsync(
            TestEvents.Published("formula-1", s_juneNoon.AddYears(-2), title: Title),
            TestEvents.Download("formula-1", "a.csv", s_juneNoon, sessionId: "a"));
        await ingestion.AggregateAsync();

        var result = await ReportAsync(Service(store, ingestion.Clock), CounterReport.IR, "2024-06", "2024-06");
        var rows = CounterTsv.Report(result, new SushiOptions()).Split('\n').Select(r => r.Split('\t')).ToList();

        var items = rows.Skip(15).Where(r => r.Length > 1).ToList();
        Assert.NotEmpty(items);
        Assert.All(items, r => Assert.Equal("'" + Title, r[0]));
        Assert.All(items, r => Assert.Equal("1", r[^2]));
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task TheTabularFormHasTheCounterHeaderThenARowPerItemAndMetric(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store, s_julyTenth);
        await ingestion.IngestAsync(
            TestEvents.Published("tab-1", s_juneNoon.AddYears(-2), title: "Tabular item"),
            TestEvents.Download("tab-1", "a.csv", s_juneNoon, sessionId: "a"),
            TestEvents.Download("tab-1", "a.csv", s_juneNoon.AddMinutes(5), sessionId: "a"));
        await ingestion.AggregateAsync();

        var result = await ReportAsync(Service(store, ingestion.Clock), CounterReport.IR, "2024-05", "2024-06", ("attributes_to_show", "YOP"));
        var rows = CounterTsv.Report(result, new SushiOptions()).Split('\n').Select(r => r.Split('\t')).ToList();

        Assert.Equal(["Report_Name", "Item Report"], rows[0]);
        Assert.Equal(["Report_ID", "IR"], rows[1]);
        Assert.Equal(["Release", "5.1"], rows[2]);
        Assert.Equal(["Reporting_Period", "Begin_Date=2024-05-01; End_Date=2024-06-30"], rows[9]);
        Assert.Equal("Registry_Record", rows[12][0]);
        Assert.Equal([""], rows[13]);
        Assert.Equal(
            ["Item", "Publisher", "Publisher_ID", "Platform", "DOI", "Proprietary_ID", "ISBN", "Print_ISSN", "Online_ISSN", "URI", "Data_Type", "YOP",
             "Metric_Type", "Reporting_Period_Total", "May-2024", "Jun-2024"],
            rows[14]);
        // Two downloads in one session: 2 total, 1 unique, in June and over the period; May has none.
        var data = rows.Skip(15).Where(r => r.Length > 1).ToDictionary(r => r[12], r => (r[0], r[5], r[11], r[13], r[14], r[15]));
        Assert.Equal(("Tabular item", "stats:tab-1", "2022", "2", "0", "2"), data["Total_Item_Requests"]);
        Assert.Equal(("Tabular item", "stats:tab-1", "2022", "1", "0", "1"), data["Unique_Item_Requests"]);
        Assert.Equal(4, data.Count);
    }
}
