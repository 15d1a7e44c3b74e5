using System.Text.Json;
using Microsoft.Extensions.Options;
using Stats.Core.Data;
using Stats.Core.Investigation;
using Stats.Core.Retention;
using Stats.Tests.Builders;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Core.Investigation;

public sealed class InvestigationQueriesTests
{
    private static readonly InvestigationRequest s_recordHour = new(
        InvestigationScope.Record, HammerScenario.Recid, null, HammerScenario.Hour.UtcDateTime, HammerScenario.Hour.UtcDateTime.AddHours(1));

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static InvestigationQueries QueriesOf(IngestionHarness ingestion, RetentionOptions? retention = null) =>
        new(ingestion.Store.Contexts, Options.Create(retention ?? new RetentionOptions { RawEventMaxAgeDays = 0 }), ingestion.Clock);

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task AVisitorHammeringARecordIsOnTopWithItsOrganisationAndItsDoubleClicksAreNotCounted(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        await HammerScenario.IngestAsync(ingestion);

        var summary = await QueriesOf(ingestion).SummarizeAsync(s_recordHour, "admin-1", Cancellation);

        // 0.7 s apart, every download but the last is the first click of a double-click; the readers' clicks all count.
        var hour = Assert.Single(summary.Hours);
        Assert.Equal(new InvestigationHour(s_recordHour.From, (2 * HammerScenario.Readers) + 1, HammerScenario.HammerDownloads - 1, HammerScenario.RobotViews, 0), hour);
        Assert.Equal(HammerScenario.HammerDownloads + (2 * HammerScenario.Readers) + HammerScenario.RobotViews, summary.Events);
        var top = summary.Visitors[0];
        Assert.Equal((HammerScenario.HammerDownloads, 1, HammerScenario.Cern, "Firefox"), (top.Events, top.Counted, top.Organisation, top.Agent));
        Assert.Equal(DateOnly.FromDateTime(s_recordHour.From), top.Day);
        Assert.Equal(new InvestigationTop(HammerScenario.Cern, HammerScenario.HammerDownloads), summary.Organisations[0]);
        Assert.Equal(new InvestigationTop("scholar.google.com", HammerScenario.Readers), Assert.Single(summary.Referrers));
        Assert.Contains(new InvestigationTop("Googlebot", HammerScenario.RobotViews), summary.Agents);
        Assert.False(summary.ReachesBeyondRetention);
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task TheNdjsonExportHasExactlyTheRawEventsOfTheScopeAndRange(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        await HammerScenario.IngestAsync(ingestion);
        // Outside the range or the scope: not in the export.
        await ingestion.IngestAsync(
            TestEvents.View(HammerScenario.Recid, HammerScenario.Hour.AddHours(1)),
            TestEvents.View("rec-other", HammerScenario.Hour.AddMinutes(30)));
        var queries = QueriesOf(ingestion);

        using var output = new MemoryStream();
        await InvestigationExport.WriteNdjsonAsync(queries.ExportAsync(s_recordHour, new InvestigationFilter(), "admin-1", Cancellation), output, Cancellation);

        var lines = System.Text.Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(HammerScenario.HammerDownloads + (2 * HammerScenario.Readers) + HammerScenario.RobotViews, lines.Count);
        Assert.All(lines, l => Assert.Equal(HammerScenario.Recid, l.GetProperty("recid").GetString()));
        var fromCern = lines.Where(l => l.GetProperty("organisation").GetString() == HammerScenario.Cern).ToList();
        Assert.Equal(HammerScenario.HammerDownloads, fromCern.Count);
        Assert.Single(fromCern.Select(l => l.GetProperty("visitor").GetString()).Distinct());
        Assert.Equal(
            [("counted", 1), ("double-click", HammerScenario.HammerDownloads - 1)],
            fromCern.GroupBy(l => l.GetProperty("category").GetString()!).Select(g => (g.Key, g.Count())).OrderBy(g => g.Key));
        Assert.True(lines.Select(l => l.GetProperty("timestamp").GetDateTime()).SequenceEqual(lines.Select(l => l.GetProperty("timestamp").GetDateTime()).Order()));
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task TheBulkExportPutsAnIndexActionBeforeEachEvent(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        await ingestion.IngestAsync(TestEvents.View("rec-1", HammerScenario.Hour.AddMinutes(1)), TestEvents.View("rec-1", HammerScenario.Hour.AddMinutes(2)));
        var request = s_recordHour with { Id = "rec-1" };

        using var output = new MemoryStream();
        await InvestigationExport.WriteBulkAsync(QueriesOf(ingestion).ExportAsync(request, new InvestigationFilter(), "admin-1", Cancellation), output, Cancellation);

        var lines = System.Text.Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        var action = JsonDocument.Parse(lines[0]).RootElement.GetProperty("index");
        Assert.Equal(InvestigationExport.BulkIndex, action.GetProperty("_index").GetString());
        Assert.Equal("record-view", JsonDocument.Parse(lines[1]).RootElement.GetProperty("type").GetString());
        Assert.True(JsonDocument.Parse(lines[2]).RootElement.TryGetProperty("index", out _));
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task OneVisitorsEventsArePagedAndEveryQueryLeavesATrace(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        await HammerScenario.IngestAsync(ingestion);
        var queries = QueriesOf(ingestion);
        var summary = await queries.SummarizeAsync(s_recordHour, "admin-1", Cancellation);

        var page = await queries.EventsAsync(s_recordHour, new InvestigationFilter(summary.Visitors[0].Visitor), 4990, 100, "admin-2", Cancellation);

        Assert.Equal(HammerScenario.HammerDownloads, page.Total);
        Assert.Equal(10, page.Events.Count);
        Assert.Equal(EventCategory.Counted, page.Events[^1].Category);
        var traces = await queries.TracesAsync(10, Cancellation);
        Assert.Equal(
            [("admin-2", InvestigationKind.RawEvents), ("admin-1", InvestigationKind.Investigation)],
            traces.Select(t => (t.AskedBy, t.Kind)));
        Assert.All(traces, t => Assert.Equal(("record " + HammerScenario.Recid, s_recordHour.From, s_recordHour.To), (t.Subject, t.From, t.To)));
    }

    [Fact]
    public async Task ARangeBeforeTheRetentionHorizonSaysRawEventsAreGoneThere()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var ingestion = new IngestionHarness(store);

        var summary = await QueriesOf(ingestion, new RetentionOptions { RawEventMaxAgeDays = 3 }).SummarizeAsync(s_recordHour, "admin-1", Cancellation);

        // The harness's clock is 2024-06-20: raw events are kept from 2024-06-17 on, the range is on the 15th.
        Assert.True(summary.ReachesBeyondRetention);
        Assert.Equal(new DateOnly(2024, 6, 17), summary.RetainedFrom);
    }

    [Theory]
    [InlineData(InvestigationScope.Record, null, null, 1, "a record needs its id")]
    [InlineData(InvestigationScope.File, "rec-1", null, 1, "a file needs its record's id and its key")]
    [InlineData(InvestigationScope.Repository, null, null, 0, "the range must end after it starts")]
    [InlineData(InvestigationScope.Repository, null, null, 24 * 32, "the range must be at most 31 days")]
    public void AnIncompleteRequestSaysWhatIsMissing(InvestigationScope scope, string? id, string? fileKey, int hours, string problem)
    {
        var from = HammerScenario.Hour.UtcDateTime;

        Assert.Equal(problem, new InvestigationRequest(scope, id, fileKey, from, from.AddHours(hours)).Problem());
    }
}
