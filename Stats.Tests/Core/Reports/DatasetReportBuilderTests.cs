using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Logging.Abstractions;
using Stats.Core.Access;
using Stats.Core.Data;
using Stats.Core.Demo;
using Stats.Core.Ingestion;
using Stats.Core.Reports;
using Stats.Core.Reports.Dsr;
using Stats.Core.Retention;
using Stats.Tests.Builders;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Core.Reports;

public sealed class DatasetReportBuilderTests
{
    // IngestionHarness's clock says 2024-06-20: May 2024 is over, June is not.
    private static readonly DateOnly s_may = new(2024, 5, 1);
    private static readonly DateTimeOffset s_mayNoon = new(2024, 5, 15, 12, 0, 0, TimeSpan.Zero);
    private const string Curl = "curl/8.5.0";
    private const string BritishIp = "81.2.69.142";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static DatasetReportBuilder Builder(IngestionHarness ingestion, DsrOptions? options = null, AccessRuleStore? rules = null) =>
        new(ingestion.Store.Contexts, ingestion.Clock, Options.Create(options ?? new DsrOptions()), Options.Create(new SushiOptions()),
            new AccessPolicy(ingestion.Store.Contexts, rules));

    /// <summary>The instances of one dataset in one month, as "metric access-method" → instance.</summary>
    private static Dictionary<string, DsrInstance> InstancesOf(DatasetReport report, string recid)
    {
        var dataset = Assert.Single(report.ReportDatasets, d => d.DatasetId[0].Value == recid);
        var month = Assert.Single(dataset.Performance);
        return month.Instance.ToDictionary(i => $"{i.MetricType} {i.AccessMethod}");
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task TheDemoReportValidatesAgainstDataCitesSchemaWithZeroErrorsAndKeepsTheCounterInvariants(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        await new DemoSeeder(ingestion.Ingestor, ShippedReferenceData.Countries, Options.Create(new RetentionOptions()), ingestion.Clock, ingestion.Store.Contexts)
            .SeedAsync(new DemoOptions { Days = 60, Records = 40 }, Cancellation);
        await ingestion.AggregateAsync();

        var report = await Builder(ingestion, new DsrOptions { PublisherId = "grid.9132.9", DatasetIdentifierTemplate = "10.5281/zenodo.{recid}" })
            .BuildAsync(s_may, s_may, StatsViewer.Anonymous, Cancellation);

        Assert.Empty(DsrSchema.Errors(report.ToJson()));
        Assert.NotEmpty(report.ReportDatasets);
        Assert.Empty(report.Exceptions);
        var instances = report.ReportDatasets.SelectMany(d => d.Performance).SelectMany(p => p.Instance).ToList();
        Assert.Contains(instances, i => i.AccessMethod == DsrMetrics.Machine);
        Assert.Contains(instances, i => i.CountryCounts is not null);
        Assert.Contains(instances, i => i.Volume > 0);
        // Every record's usage is in the report: its investigations add up to the repository's for the month.
        await using (var context = store.CreateContext())
        {
            var repository = await context.UsageDailyStats
                .Where(s => s.Scope == StatScope.Repository && s.Day >= s_may && s.Day <= new DateOnly(2024, 5, 31))
                .SumAsync(s => (long)s.Investigations, Cancellation);
            Assert.Equal(repository, instances.Where(i => i.MetricType == DsrMetrics.TotalInvestigations).Sum(i => i.Count));
        }

        foreach (var performance in report.ReportDatasets.SelectMany(d => d.Performance))
        {
            Assert.Equal(new DsrPeriod("2024-05-01", "2024-05-31"), performance.Period);
            foreach (var method in performance.Instance.GroupBy(i => i.AccessMethod))
            {
                var count = method.ToDictionary(i => i.MetricType, i => i.Count);
                var (tii, uii, tir, uir) = (count.GetValueOrDefault(DsrMetrics.TotalInvestigations), count.GetValueOrDefault(DsrMetrics.UniqueInvestigations),
                    count.GetValueOrDefault(DsrMetrics.TotalRequests), count.GetValueOrDefault(DsrMetrics.UniqueRequests));
                Assert.True(tii >= uii && tii >= tir && tii >= uir && uii >= uir && tir >= uir, $"{method.Key}: TII {tii} UII {uii} TIR {tir} UIR {uir}");
                Assert.All(method, i => Assert.True(i.Count > 0));
            }
        }
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task TheCounterAuditCaseGives45TotalAnd30UniqueInvestigationsAndRequests(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        var events = new List<IncomingEvent>();
        for (var pair = 0; pair < 30; pair++)
        {
            // 15 pairs 10 s apart (one click each after double-click removal), 15 pairs 40 s apart (two clicks), each its own session.
            var start = s_mayNoon.AddMinutes(pair * 5);
            var gap = pair < 15 ? 10 : 40;
            events.Add(TestEvents.Download("audit", "paper.pdf", start, size: 1000, sessionId: $"session-{pair}"));
            events.Add(TestEvents.Download("audit", "paper.pdf", start.AddSeconds(gap), size: 1000, sessionId: $"session-{pair}"));
        }

        await ingestion.IngestAsync([.. events]);
        await ingestion.AggregateAsync();

        var report = await Builder(ingestion).BuildAsync(s_may, s_may, StatsViewer.Anonymous, Cancellation);

        var instances = InstancesOf(report, "audit");
        Assert.Equal(
            ["total-dataset-investigations regular 45", "unique-dataset-investigations regular 30", "total-dataset-requests regular 45", "unique-dataset-requests regular 30"],
            instances.Values.Select(i => $"{i.MetricType} {i.AccessMethod} {i.Count}"));
        // 15 + 30 downloads kept, 1000 bytes each; every client was at 8.8.8.8 (US).
        Assert.Equal(45_000L, instances["total-dataset-requests regular"].Volume);
        Assert.Equal(new Dictionary<string, long> { ["us"] = 45 }, instances["total-dataset-investigations regular"].CountryCounts);
        Assert.Empty(DsrSchema.Errors(report.ToJson()));
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task ADatasetTheAccessRulesHideIsLeftOutAndHiddenCountriesLeaveOnlyTheirCountryCounts(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        var published = new DateTimeOffset(2023, 3, 1, 9, 0, 0, TimeSpan.Zero);
        await ingestion.IngestAsync(
            TestEvents.Published("dsr-open", published, communities: ["dsr-public"]),
            TestEvents.Published("dsr-in-staff", published, communities: ["dsr-staff"]),
            TestEvents.Published("dsr-no-countries", published, communities: ["dsr-public"]),
            // One view of the open dataset, two of the staff community's, one of the dataset whose countries are hidden.
            TestEvents.View("dsr-open", s_mayNoon, sessionId: "s-1", ip: BritishIp),
            TestEvents.View("dsr-in-staff", s_mayNoon, sessionId: "s-2"),
            TestEvents.View("dsr-in-staff", s_mayNoon, sessionId: "s-3"),
            TestEvents.View("dsr-no-countries", s_mayNoon, sessionId: "s-4", ip: BritishIp));
        await ingestion.AggregateAsync();
        var rules = new AccessRuleStore(store.Contexts, ingestion.Clock, Options.Create(new AccessOptions()), NullLogger<AccessRuleStore>.Instance);
        await rules.SetAsync(RuleTarget.Community("dsr-staff"), StatFamily.Usage, Audience.AdminsOnly, "admin", Cancellation);
        await rules.SetAsync(RuleTarget.Record("dsr-no-countries"), StatFamily.Countries, Audience.AdminsOnly, "admin", Cancellation);
        var admin = new StatsViewer(true, null, "admin", IsAdmin: true, new HashSet<string>(StringComparer.Ordinal));

        var publicReport = await Builder(ingestion, rules: rules).BuildAsync(s_may, s_may, StatsViewer.Anonymous, Cancellation);
        var everything = await Builder(ingestion, rules: rules).BuildAsync(s_may, s_may, admin, Cancellation);

        Assert.Equal(["dsr-no-countries", "dsr-open"], publicReport.ReportDatasets.Select(d => d.DatasetId[0].Value));
        Assert.Equal(["dsr-in-staff", "dsr-no-countries", "dsr-open"], everything.ReportDatasets.Select(d => d.DatasetId[0].Value));
        // The staff community's two views are all that the public report lacks.
        Assert.Equal(2, TotalInvestigations(publicReport));
        Assert.Equal(4, TotalInvestigations(everything));
        Assert.Equal(new Dictionary<string, long> { ["gb"] = 1 }, InstancesOf(publicReport, "dsr-open")["total-dataset-investigations regular"].CountryCounts);
        Assert.Null(InstancesOf(publicReport, "dsr-no-countries")["total-dataset-investigations regular"].CountryCounts);
        Assert.Equal(new Dictionary<string, long> { ["gb"] = 1 }, InstancesOf(everything, "dsr-no-countries")["total-dataset-investigations regular"].CountryCounts);
        Assert.Empty(DsrSchema.Errors(publicReport.ToJson()));

        static long TotalInvestigations(DatasetReport report) => report.ReportDatasets
            .SelectMany(d => d.Performance).SelectMany(p => p.Instance).Where(i => i.MetricType == "total-dataset-investigations").Sum(i => i.Count);
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task ViewsAndDownloadsGiveHandCountedMetricsCountriesVolumeAndTheCatalogsDetails(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        await ingestion.IngestAsync(
            TestEvents.Published("rec-1", new DateTimeOffset(2023, 3, 1, 9, 0, 0, TimeSpan.Zero), title: "Lake Erie fish community data"),
            // Session s-1 (US) views the record and downloads two files; session s-2 (GB) downloads one.
            TestEvents.View("rec-1", s_mayNoon, sessionId: "s-1"),
            TestEvents.Download("rec-1", "a.csv", s_mayNoon.AddMinutes(1), size: 100, sessionId: "s-1"),
            TestEvents.Download("rec-1", "b.csv", s_mayNoon.AddMinutes(2), size: 200, sessionId: "s-1"),
            TestEvents.Download("rec-1", "a.csv", s_mayNoon.AddMinutes(3), size: 100, sessionId: "s-2", ip: BritishIp),
            // The next day, s-3 views it twice, 10 s apart: one investigation.
            TestEvents.View("rec-1", s_mayNoon.AddDays(1), sessionId: "s-3"),
            TestEvents.View("rec-1", s_mayNoon.AddDays(1).AddSeconds(10), sessionId: "s-3"),
            // Outside the month: not in May's report.
            TestEvents.View("rec-1", new DateTimeOffset(2024, 6, 1, 12, 0, 0, TimeSpan.Zero), sessionId: "s-4"));
        await ingestion.AggregateAsync();

        var report = await Builder(ingestion, new DsrOptions
        {
            PlatformName = "Zenodo",
            Publisher = "CERN",
            PublisherId = "grid.9132.9",
            CreatedBy = "Zenodo",
            DatasetIdentifierTemplate = "https://doi.org/10.5281/zenodo.{recid}",
        }).BuildAsync(s_may, s_may, StatsViewer.Anonymous, Cancellation);

        var dataset = Assert.Single(report.ReportDatasets);
        Assert.Equal("Lake Erie fish community data", dataset.DatasetTitle);
        Assert.Equal([new DsrTypeValue("doi", "10.5281/zenodo.rec-1")], dataset.DatasetId);
        Assert.Equal([new DsrTypeValue("pub-date", "2023-03-01")], dataset.DatasetDates);
        Assert.Equal(("Zenodo", "CERN", "2023", "dataset"), (dataset.Platform, dataset.Publisher, dataset.Yop, dataset.DataType));
        Assert.Equal([new DsrTypeValue("grid", "grid.9132.9")], dataset.PublisherId);
        var month = Assert.Single(dataset.Performance);
        Assert.Equal(new DsrPeriod("2024-05-01", "2024-05-31"), month.Period);
        var instances = month.Instance.ToDictionary(i => i.MetricType);
        // Investigations: 2 views (s-1, s-3 once) + 3 downloads = 5, from 3 sessions; requests: 3 downloads from 2 sessions.
        Assert.Equal((5L, 3L, 3L, 2L), (instances[DsrMetrics.TotalInvestigations].Count, instances[DsrMetrics.UniqueInvestigations].Count,
            instances[DsrMetrics.TotalRequests].Count, instances[DsrMetrics.UniqueRequests].Count));
        Assert.All(month.Instance, i => Assert.Equal(DsrMetrics.Regular, i.AccessMethod));
        Assert.Equal(400L, instances[DsrMetrics.TotalRequests].Volume);
        Assert.Equal(new Dictionary<string, long> { ["gb"] = 1, ["us"] = 4 }, instances[DsrMetrics.TotalInvestigations].CountryCounts);
        Assert.Equal(new Dictionary<string, long> { ["gb"] = 1, ["us"] = 2 }, instances[DsrMetrics.TotalRequests].CountryCounts);
        Assert.Null(instances[DsrMetrics.UniqueInvestigations].CountryCounts);
        Assert.Equal(("Zenodo", "dsr", "rd1", "dataset report"), (report.CreatedBy, report.ReportId, report.Release, report.ReportName));
        Assert.Equal("2024-06-20T09:00:00Z", report.Created);
        Assert.Empty(DsrSchema.Errors(report.ToJson()));
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task MachineAccessIsReportedApartAndCountriesOnlyWhenADatasetHadOneAccessMethod(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        await ingestion.IngestAsync(
            // rec-1: two people view it, a script downloads a file.
            TestEvents.View("rec-1", s_mayNoon, sessionId: "s-1"),
            TestEvents.View("rec-1", s_mayNoon.AddMinutes(1), sessionId: "s-2"),
            TestEvents.Download("rec-1", "data.csv", s_mayNoon.AddMinutes(2), size: 5000, userAgent: Curl),
            // rec-2: only a script.
            TestEvents.Download("rec-2", "data.csv", s_mayNoon.AddMinutes(3), size: 700, userAgent: Curl, ip: BritishIp));
        await ingestion.AggregateAsync();

        var report = await Builder(ingestion).BuildAsync(s_may, s_may, StatsViewer.Anonymous, Cancellation);

        var mixed = InstancesOf(report, "rec-1");
        Assert.Equal(
            ["total-dataset-investigations regular 2", "unique-dataset-investigations regular 2",
             "total-dataset-investigations machine 1", "unique-dataset-investigations machine 1", "total-dataset-requests machine 1", "unique-dataset-requests machine 1"],
            mixed.Values.Select(i => $"{i.MetricType} {i.AccessMethod} {i.Count}"));
        Assert.Equal(5000L, mixed["total-dataset-requests machine"].Volume);
        // Countries are kept for both access methods together: with both used, they cannot be given to either.
        Assert.All(mixed.Values, i => Assert.Null(i.CountryCounts));
        var machineOnly = InstancesOf(report, "rec-2");
        Assert.Equal(new Dictionary<string, long> { ["gb"] = 1 }, machineOnly["total-dataset-investigations machine"].CountryCounts);
        Assert.Equal(new Dictionary<string, long> { ["gb"] = 1 }, machineOnly["total-dataset-requests machine"].CountryCounts);
        Assert.Equal(("rec-2", "0001"), (report.ReportDatasets[1].DatasetTitle, report.ReportDatasets[1].Yop));
        Assert.Equal([new DsrTypeValue("proprietary", "rec-2")], report.ReportDatasets[1].DatasetId);
        Assert.Empty(DsrSchema.Errors(report.ToJson()));
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task AMonthNotOverOrWithADayWaitingForAggregationIsNotReady(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        await ingestion.IngestAsync(TestEvents.View("rec-1", s_mayNoon));

        var waiting = await Assert.ThrowsAsync<DsrReportException>(() => Builder(ingestion).BuildAsync(s_may, s_may, StatsViewer.Anonymous, Cancellation));
        var current = await Assert.ThrowsAsync<DsrReportException>(() => Builder(ingestion).BuildAsync(new DateOnly(2024, 6, 1), new DateOnly(2024, 6, 1), StatsViewer.Anonymous, Cancellation));
        await ingestion.AggregateAsync();
        var ready = await Builder(ingestion).BuildAsync(s_may, s_may, StatsViewer.Anonymous, Cancellation);

        Assert.Equal(3031, waiting.Error.Code);
        Assert.Contains("2024-05-15", waiting.Error.Data, StringComparison.Ordinal);
        Assert.Equal(3031, current.Error.Code);
        Assert.Single(ready.ReportDatasets);
    }

    [Fact]
    public async Task AnEndBeforeTheBeginOrABeginInTheFutureAreInvalidDates()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var ingestion = new IngestionHarness(store);

        var backwards = await Assert.ThrowsAsync<DsrReportException>(() => Builder(ingestion).BuildAsync(s_may, new DateOnly(2024, 4, 1), StatsViewer.Anonymous, Cancellation));
        var future = await Assert.ThrowsAsync<DsrReportException>(() => Builder(ingestion).BuildAsync(new DateOnly(2024, 7, 1), new DateOnly(2024, 7, 1), StatsViewer.Anonymous, Cancellation));

        Assert.Equal((3020, 3020), (backwards.Error.Code, future.Error.Code));
    }

    [Fact]
    public async Task ARangeWithoutUsageGivesAnEmptyReportWithTheWarning3030ThatStillValidates()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var ingestion = new IngestionHarness(store);

        var report = await Builder(ingestion).BuildAsync(new DateOnly(2024, 1, 1), new DateOnly(2024, 3, 1), StatsViewer.Anonymous, Cancellation);

        Assert.Empty(report.ReportDatasets);
        Assert.Equal((3030, "warning"), (Assert.Single(report.Exceptions).Code, report.Exceptions[0].Severity));
        Assert.Equal(new DsrPeriod("2024-01-01", "2024-03-31"), report.ReportingPeriod);
        Assert.Empty(DsrSchema.Errors(report.ToJson()));
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task ARangeOfMonthsGivesOnePerformanceEntryPerMonthWithUsage(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        await ingestion.IngestAsync(
            TestEvents.View("rec-1", new DateTimeOffset(2024, 3, 31, 23, 0, 0, TimeSpan.Zero), sessionId: "s-1"),
            TestEvents.View("rec-1", new DateTimeOffset(2024, 5, 1, 0, 30, 0, TimeSpan.Zero), sessionId: "s-2"),
            TestEvents.View("rec-1", new DateTimeOffset(2024, 5, 2, 0, 30, 0, TimeSpan.Zero), sessionId: "s-2"));
        await ingestion.AggregateAsync();

        var report = await Builder(ingestion).BuildAsync(new DateOnly(2024, 3, 1), s_may, StatsViewer.Anonymous, Cancellation);

        var dataset = Assert.Single(report.ReportDatasets);
        // April had no usage: no entry. In May one session id on two days is two COUNTER sessions.
        Assert.Equal(
            ["2024-03-01..2024-03-31 total-dataset-investigations 1", "2024-03-01..2024-03-31 unique-dataset-investigations 1",
             "2024-05-01..2024-05-31 total-dataset-investigations 2", "2024-05-01..2024-05-31 unique-dataset-investigations 2"],
            dataset.Performance.SelectMany(p => p.Instance.Select(i => $"{p.Period.BeginDate}..{p.Period.EndDate} {i.MetricType} {i.Count}")));
    }

    [Fact]
    public void TheReportIsWrittenWithTheSchemasNamesAndItsHeaderAgainUnderReportHeader()
    {
        var report = new DatasetReport("dataset report", "dsr", "rd1", "2024-06-20T09:00:00Z", "Stats", DsrPeriod.Of(s_may, new DateOnly(2024, 5, 31)),
            [], [], [], [new DatasetUsage("t", [new DsrTypeValue("proprietary", "r")], null, "p", "p", [], "dataset", "0001",
                [new DsrPerformance(DsrPeriod.Of(s_may, new DateOnly(2024, 5, 31)), [new DsrInstance(DsrMetrics.TotalRequests, DsrMetrics.Regular, 3, Volume: 10)])])]);

        var json = JsonNode.Parse(report.ToJson())!;

        Assert.Equal("rd1", json["report-header"]!["release"]!.GetValue<string>());
        Assert.Equal("2024-05-31", json["reporting-period"]!["end-date"]!.GetValue<string>());
        var instance = json["report-datasets"]![0]!["performance"]![0]!["instance"]![0]!;
        Assert.Equal("""{"metric-type":"total-dataset-requests","access-method":"regular","count":3,"volume":10}""", instance.ToJsonString());
        Assert.Null(json["report-datasets"]![0]!["dataset-dates"]);
    }

    [Fact]
    public void AnInstanceWithoutItsAccessMethodFailsTheSchema()
    {
        var json = JsonNode.Parse("""
            {"report-name": "dataset report", "report-id": "dsr", "release": "rd1", "report-datasets": [{
              "dataset-title": "t", "platform": "p", "publisher": "p", "publisher-id": [], "data-type": "dataset",
              "performance": [{"period": {"begin-date": "2024-05-01", "end-date": "2024-05-31"},
                               "instance": [{"metric-type": "total-dataset-requests", "count": 3}]}]}]}
            """)!;

        Assert.NotEmpty(DsrSchema.Errors(json.ToJsonString()));
        json["report-datasets"]![0]!["performance"]![0]!["instance"]![0]!["access-method"] = "regular";
        Assert.Empty(DsrSchema.Errors(json.ToJsonString()));
    }

    [Theory]
    [InlineData("", "rec-1", "proprietary", "rec-1")]
    [InlineData("10.5281/zenodo.{recid}", "123", "doi", "10.5281/zenodo.123")]
    [InlineData("https://doi.org/10.5281/zenodo.{recid}", "123", "doi", "10.5281/zenodo.123")]
    [InlineData("https://cds.cern.ch/record/{recid}", "42", "uri", "https://cds.cern.ch/record/42")]
    [InlineData("cds-{recid}", "42", "proprietary", "cds-42")]
    public void TheIdentifierTemplateGivesADoiAUriOrAProprietaryId(string template, string recid, string type, string value)
    {
        Assert.Equal(new DsrTypeValue(type, value), DatasetReportBuilder.Identifier(recid, template));
    }

    [Fact]
    public void WrongSettingsAreNamedInTheErrors()
    {
        var errors = new DsrOptions { PublisherIdType = "ror", DatasetIdentifierTemplate = "10.5281/zenodo", Publisher = " " }.Validate();

        Assert.Equal(3, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("Stats:Reports:Dsr:PublisherIdType is 'ror'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Stats:Reports:Dsr:DatasetIdentifierTemplate", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Stats:Reports:Dsr:Publisher is empty", StringComparison.Ordinal));
        Assert.Empty(new DsrOptions().Validate());
    }
}
